import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { loadCases } from '../../test/support/conformance.js';
import { EventBusServer, EventClient } from '../events/index.js';
import { main } from './salt_key.js';

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

interface Env {
  root: string;
  confDir: string;
  pkiDir: string;
  cacheDir: string;
  sockDir: string;
  run: (args: string[], opts?: { answers?: Array<string | null>; tty?: boolean }) => Promise<Run>;
  cleanup: () => void;
}

const SOME_KEY = loadCases<{ pki_files: Record<string, string> }>('wire', 'rsa.json').find((c) => c.id === 'salt-key-f-md5')!.input
  .pki_files['minions/accepted-minion']!;

/** A temp master config dir whose `master` file points pki_dir, cachedir and sock_dir into it. */
function makeEnv(pkiFiles: Record<string, string> = {}, extraConfig = ''): Env {
  const root = mkdtempSync(join(tmpdir(), 'salt-ts-key-'));
  const confDir = join(root, 'conf');
  const pkiDir = join(root, 'pki');
  const cacheDir = join(root, 'cache');
  const sockDir = join(root, 'sock');
  for (const d of [confDir, pkiDir, cacheDir, sockDir]) mkdirSync(d, { recursive: true });
  writeFileSync(
    join(confDir, 'master'),
    `pki_dir: ${pkiDir}\ncachedir: ${cacheDir}\nsock_dir: ${sockDir}\nid: testmaster_master\n${extraConfig}`,
  );
  for (const [rel, text] of Object.entries(pkiFiles)) {
    mkdirSync(dirname(join(pkiDir, rel)), { recursive: true });
    writeFileSync(join(pkiDir, rel), text);
  }
  const run: Env['run'] = async (args, opts = {}) => {
    let stdout = '';
    let stderr = '';
    const answers = [...(opts.answers ?? [])];
    const code = await main(['-c', confDir, ...args], {
      stdout: (s) => void (stdout += s),
      stderr: (s) => void (stderr += s),
      readLine: async () => (answers.length ? answers.shift()! : null),
      stdoutIsTTY: opts.tty ?? false,
    });
    return { code, stdout, stderr };
  };
  return { root, confDir, pkiDir, cacheDir, sockDir, run, cleanup: () => rmSync(root, { recursive: true, force: true }) };
}

// ---- conformance: real `salt-key` runs ------------------------------------------------------

for (const c of loadCases<{ pki_files: Record<string, string>; hash_type: string; argv: string[] }, { stdout: string; rc: number }>('wire', 'rsa.json')) {
  if (!c.id.startsWith('salt-key-')) continue;
  test(`conformance wire/rsa.json ${c.id}: ${c.input.argv.join(' ')}`, async (t) => {
    const env = makeEnv(c.input.pki_files, `hash_type: ${c.input.hash_type}\n`);
    t.after(env.cleanup);
    const res = await env.run(c.input.argv.slice(1));
    assert.equal(res.stderr, '');
    assert.equal(res.stdout, c.expected.stdout);
    assert.equal(res.code, c.expected.rc);
  });
}

for (const c of loadCases<{ cli?: string[]; pki?: Record<string, string[]> }, { stdout: string }>('output', 'key.json')) {
  const cli = c.input.cli;
  if (!cli) continue;
  test(`conformance output/key.json ${c.id}: ${cli.join(' ')}`, async (t) => {
    const files: Record<string, string> = {};
    for (const [status, names] of Object.entries(c.input.pki ?? {})) for (const n of names) files[`${status}/${n}`] = SOME_KEY;
    const env = makeEnv(files);
    t.after(env.cleanup);
    const res = await env.run(cli.slice(1));
    assert.equal(res.stdout, c.expected.stdout);
    assert.equal(res.code, 0);
  });
}

// ---- accept / reject / delete ---------------------------------------------------------------

test('salt-key -a NAME -y lists what it accepts, moves the key and says so', async (t) => {
  const env = makeEnv({ 'minions_pre/m1': SOME_KEY, 'minions_pre/m2': SOME_KEY });
  t.after(env.cleanup);
  const res = await env.run(['-a', 'm1', '-y']);
  assert.equal(res.stdout, 'The following keys are going to be accepted:\nUnaccepted Keys:\nm1\nKey for minion m1 accepted.\n');
  assert.ok(existsSync(join(env.pkiDir, 'minions/m1')));
  assert.ok(existsSync(join(env.pkiDir, 'minions_pre/m2')));
});

test('salt-key -A asks "Proceed? [n/Y]" and an empty answer means yes', async (t) => {
  const env = makeEnv({ 'minions_pre/m1': SOME_KEY, 'minions_pre/M2': SOME_KEY });
  t.after(env.cleanup);
  const res = await env.run(['-A'], { answers: [''] });
  assert.equal(
    res.stdout,
    // The listing is sorted by code point (key outputter), the messages case-insensitively (dict_match).
    'The following keys are going to be accepted:\nUnaccepted Keys:\nM2\nm1\nProceed? [n/Y] Key for minion m1 accepted.\nKey for minion M2 accepted.\n',
  );
  assert.deepEqual(readdirSync(join(env.pkiDir, 'minions')).sort(), ['M2', 'm1']);
});

test('salt-key -r answered "n" changes nothing', async (t) => {
  const env = makeEnv({ 'minions_pre/m1': SOME_KEY });
  t.after(env.cleanup);
  const res = await env.run(['-r', 'm1'], { answers: ['n'] });
  assert.equal(res.stdout, 'The following keys are going to be rejected:\nUnaccepted Keys:\nm1\nProceed? [n/Y] ');
  assert.ok(existsSync(join(env.pkiDir, 'minions_pre/m1')));
  assert.equal(existsSync(join(env.cacheDir, '.dfn')), false);
});

test('salt-key -d defaults to no ("Proceed? [N/y]"); "y" deletes from every status and drops .dfn', async (t) => {
  const env = makeEnv({ 'minions/m1': SOME_KEY, 'minions_rejected/m1': SOME_KEY, 'minions_pre/other': SOME_KEY });
  t.after(env.cleanup);
  const no = await env.run(['-d', 'm1'], { answers: [''] });
  assert.equal(no.stdout, 'The following keys are going to be deleted:\nAccepted Keys:\nm1\nRejected Keys:\nm1\nProceed? [N/y] ');
  assert.ok(existsSync(join(env.pkiDir, 'minions/m1')));
  const yes = await env.run(['-d', 'm1'], { answers: ['Y'] });
  assert.match(yes.stdout, /Proceed\? \[N\/y\] Key for minion m1 deleted\.\nKey for minion m1 deleted\.\n$/);
  assert.equal(existsSync(join(env.pkiDir, 'minions/m1')), false);
  assert.equal(existsSync(join(env.pkiDir, 'minions_rejected/m1')), false);
  const dfn = join(env.cacheDir, '.dfn');
  assert.equal(statSync(dfn).mode & 0o777, 0o400);
  assert.equal(readFileSync(dfn, 'utf8'), 'testmaster_master');
});

test('salt-key -r on an accepted key needs --include-accepted; then it is rejected and .dfn dropped', async (t) => {
  const env = makeEnv({ 'minions/m1': SOME_KEY });
  t.after(env.cleanup);
  const miss = await env.run(['-r', 'm1', '-y']);
  assert.equal(miss.stdout, "The key glob 'm1' does not match any unaccepted keys.\n");
  const hit = await env.run(['-r', 'm1', '-y', '--include-accepted']);
  assert.equal(hit.stdout, 'The following keys are going to be rejected:\nAccepted Keys:\nm1\nKey for minion m1 rejected.\n');
  assert.ok(existsSync(join(env.pkiDir, 'minions_rejected/m1')));
  assert.ok(existsSync(join(env.cacheDir, '.dfn')));
});

test('the no-match message names every included status', async (t) => {
  const env = makeEnv({});
  t.after(env.cleanup);
  const res = await env.run(['-a', 'x*', '--include-rejected', '--include-denied']);
  assert.equal(res.stdout, "The key glob 'x*' does not match any unaccepted, rejected or denied keys.\n");
  assert.equal(res.code, 0);
});

test('without -y and with no input left, salt-key prints the prompt then "Error: EOF when reading a line" and exits 0', async (t) => {
  const env = makeEnv({ 'minions_pre/m1': SOME_KEY });
  t.after(env.cleanup);
  const res = await env.run(['-a', 'm1']);
  assert.equal(res.stdout, 'The following keys are going to be accepted:\nUnaccepted Keys:\nm1\nProceed? [n/Y] ');
  assert.equal(res.stderr, 'Error: EOF when reading a line\n');
  assert.equal(res.code, 0);
  assert.ok(existsSync(join(env.pkiDir, 'minions_pre/m1')));
});

test('salt-key -a refuses a pending key that is not an RSA public key', async (t) => {
  const env = makeEnv({ 'minions_pre/bad': 'garbage\n' });
  t.after(env.cleanup);
  const res = await env.run(['-a', 'bad', '-y']);
  assert.equal(res.stderr, 'Unable to accept invalid key for bad.\n');
  assert.ok(existsSync(join(env.pkiDir, 'minions_pre/bad')));
});

test('salt-key -A -y fires salt/key accept events on a running master bus', async (t) => {
  const env = makeEnv({ 'minions_pre/m1': SOME_KEY });
  t.after(env.cleanup);
  const bus = new EventBusServer({ sockDir: env.sockDir });
  await bus.start();
  t.after(() => bus.close());
  const listener = new EventClient({ sockDir: env.sockDir });
  await listener.connectPub();
  listener.subscribe('salt/key');
  t.after(() => listener.close());
  const res = await env.run(['-A', '-y']);
  assert.match(res.stdout, /Key for minion m1 accepted\./);
  const ev = await listener.getEvent({ tag: 'salt/key', timeout: 3000 });
  assert.ok(ev, 'no salt/key event');
  assert.equal(ev.tag, 'salt/key');
  assert.equal(ev.data.act, 'accept');
  assert.equal(ev.data.id, 'm1');
  assert.equal(ev.data.result, true);
});

// ---- listing and printing -------------------------------------------------------------------

test('salt-key -l acc lists only accepted keys; a bad -l argument is a usage error (exit 2)', async (t) => {
  const env = makeEnv({ 'minions/b': SOME_KEY, 'minions/A': SOME_KEY, 'minions_pre/p': SOME_KEY });
  t.after(env.cleanup);
  assert.equal((await env.run(['-l', 'acc'])).stdout, 'Accepted Keys:\nA\nb\n');
  assert.equal((await env.run(['--list=un'])).stdout, 'Unaccepted Keys:\np\n');
  const bad = await env.run(['-l', 'bogus']);
  assert.equal(bad.code, 2);
  assert.equal(bad.stdout, '');
  assert.equal(bad.stderr, "Usage: salt-key [options]\n\nsalt-key: error: 'bogus' is not a valid argument to '--list'\n");
});

test('salt-key with no action lists all keys, like -L', async (t) => {
  const env = makeEnv({ 'minions/a': SOME_KEY });
  t.after(env.cleanup);
  assert.equal((await env.run([])).stdout, 'Accepted Keys:\na\nDenied Keys:\nUnaccepted Keys:\nRejected Keys:\n');
});

test('salt-key -p prints the public key text after the name', async (t) => {
  const env = makeEnv({ 'minions/a1': SOME_KEY });
  t.after(env.cleanup);
  assert.equal((await env.run(['-p', 'a1'])).stdout, `Accepted Keys:\na1:  ${SOME_KEY}\n`);
});

test('unknown options and missing option values are usage errors', async (t) => {
  const env = makeEnv({});
  t.after(env.cleanup);
  const unknown = await env.run(['--bogus']);
  assert.equal(unknown.code, 2);
  assert.match(unknown.stderr, /salt-key: error: no such option: --bogus\n$/);
  const missing = await env.run(['-a']);
  assert.match(missing.stderr, /salt-key: error: -a option requires an argument\n$/);
  const small = await env.run(['--gen-keys', 'x', '--keysize', '1024']);
  assert.match(small.stderr, /The minimum value for keysize is 2048\n$/);
});

test('salt-key --gen-keys NAME --gen-keys-dir DIR writes the pair and prints its sha256 finger', async (t) => {
  const env = makeEnv({});
  t.after(env.cleanup);
  const dir = join(env.root, 'gen');
  const res = await env.run(['--gen-keys', 'minion1', '--gen-keys-dir', dir]);
  assert.equal(statSync(join(dir, 'minion1.pem')).mode & 0o777, 0o400);
  assert.equal(statSync(join(dir, 'minion1.pub')).mode & 0o777, 0o644);
  assert.match(res.stdout, /^return:\n {4}([0-9a-f]{2}:){31}[0-9a-f]{2}\n$/);
});
