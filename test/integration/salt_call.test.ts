/**
 * The real `bin/salt-call` program: masterless (`--local`) calls with Salt's output and exit
 * codes, then calls through a real salt-master whose job cache must receive the return.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, run, TestCluster } from '../support/cluster.js';

describe('salt-call --local', () => {
  let root: string;
  let confDir: string;
  const call = (args: string[]) => run('salt-call', ['-c', confDir, '--local', ...args], { timeoutMs: 20_000 });

  before(() => {
    root = mkdtempSync(join(tmpdir(), 'salt-ts-call-'));
    confDir = join(root, 'etc', 'salt');
    mkdirSync(confDir, { recursive: true });
    writeFileSync(join(confDir, 'minion'), `root_dir: ${root}\nid: callee\n`);
  });
  after(() => rmSync(root, { recursive: true, force: true }));

  test('test.ping prints local: True with the nested outputter and exits 0', async () => {
    const r = await call(['test.ping']);
    assert.equal(r.stdout, 'local:\n    True\n');
    assert.equal(r.stderr, '');
    assert.equal(r.code, 0);
  });

  test('--out json prints {"local": true}', async () => {
    const r = await call(['test.ping', '--out', 'json']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, '{\n    "local": true\n}\n');
  });

  test('positional words and key=value are typed like Salt (test.arg 1 two kw=3)', async () => {
    const r = await call(['test.arg', '1', 'two', 'kw=3', '--out', 'json']);
    assert.equal(r.code, 0, r.stderr);
    const ret = JSON.parse(r.stdout).local;
    assert.deepEqual(ret.args, [1, 'two']);
    assert.equal(ret.kwargs.kw, 3);
    assert.equal(ret.kwargs.__pub_fun, 'test.arg');
    assert.equal(ret.kwargs.__pub_tgt, 'salt-call');
    assert.match(ret.kwargs.__pub_jid, /^\d{20}$/);
    assert.equal(typeof ret.kwargs.__pub_pid, 'number');
  });

  test("a failing cmd.run 'exit 3' exits 1, and 3 with --retcode-passthrough", async () => {
    const plain = await call(['cmd.run', 'exit 3']);
    assert.equal(plain.code, 1);
    assert.match(plain.stdout, /^local:\n/);
    const passthrough = await call(['cmd.run', 'exit 3', '--retcode-passthrough']);
    assert.equal(passthrough.code, 3);
  });

  test("a missing function prints Salt's text on stderr and exits 255", async () => {
    const r = await call(['nosuchmod.nosuchfun']);
    assert.equal(r.code, 255);
    assert.equal(r.stdout, '');
    assert.equal(r.stderr, "'nosuchmod.nosuchfun' is not available.\n");
  });

  test('a missing function that prefixes others prints their docs and exits 1', async () => {
    const r = await call(['test.pin']);
    assert.equal(r.code, 1);
    assert.match(r.stdout, /^local:\n    ----------\n    test.pin:\n        'test.pin' is not available.\n    test.ping:\n/);
  });

  test('--id overrides the configured id (seen in the --metadata return map)', async () => {
    const r = await call(['--id', 'other-id', '--metadata', 'test.ping', '--out', 'json']);
    assert.equal(r.code, 0, r.stderr);
    const ret = JSON.parse(r.stdout).local;
    assert.equal(ret.id, 'other-id');
    assert.equal(ret.return, true);
    assert.equal(ret.retcode, 0);
    assert.equal(ret.fun, 'test.ping');
    assert.deepEqual(ret.fun_args, []);
  });

  test('-g prints the grains under local', async () => {
    const r = await call(['-g', '--out', 'json']);
    assert.equal(r.code, 0, r.stderr);
    const grains = JSON.parse(r.stdout).local;
    assert.equal(grains.id, 'callee');
    assert.equal(typeof grains.kernel, 'string');
  });

  test('without --local and no master answering, it says the key may not be accepted and exits 2', async () => {
    const dir = join(root, 'nomaster', 'etc', 'salt');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'minion'), `root_dir: ${join(root, 'nomaster')}\nid: lonely\nmaster_port: ${await freePort()}\nkeysize: 1024\n`);
    const r = await run('salt-call', ['-c', dir, '--master', '127.0.0.1', '-t', '1', 'test.ping'], { timeoutMs: 20_000 });
    assert.equal(r.code, 2, r.stderr);
    assert.equal(r.stdout, 'Minion failed to authenticate with the master, has the minion key been accepted?\n');
    assert.equal(r.stderr, '[WARNING ] SaltReqTimeoutError: Message timed out\n');
  });

  test('no function prints the help and a usage error, exit 64', async () => {
    const r = await call([]);
    assert.equal(r.code, 64);
    assert.match(r.stdout, /^Usage: salt-call \[options\] <function> \[arguments\]\n/);
    assert.match(r.stderr, /salt-call: error: Requires function, --grains or --doc\n$/);
  });
});

describe('salt-call through a real master', () => {
  let cluster: TestCluster;
  const minionConf = (id: string) => join(cluster.root, `minion-${id}`, 'etc', 'salt');

  before(async () => {
    // Keys are accepted by hand so that an unknown minion stays pending.
    cluster = await TestCluster.start({ minions: ['m1'], autoAccept: false });
    await cluster.waitFor(async () => (await cluster.cli('salt-key', ['-a', 'm1', '-y'])).stdout.includes('Key for minion m1 accepted.'), 20_000, 'the m1 key to be accepted');
    await cluster.waitForMinions(['m1']);
  });
  after(async () => {
    await cluster?.stop();
  });

  test("the return lands in the master's job cache", async () => {
    const token = `salt-call-${process.pid}-${Date.now()}`;
    const r = await run('salt-call', ['-c', minionConf('m1'), 'test.echo', token], { timeoutMs: 30_000 });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, `local:\n    ${token}\n`);
    const jobs = join(cluster.root, 'master', 'var', 'cache', 'salt', 'master', 'jobs');
    const found: string[] = [];
    for (const a of readdirSync(jobs)) {
      for (const b of readdirSync(join(jobs, a))) {
        const ret = join(jobs, a, b, 'm1', 'return.p');
        if (existsSync(ret) && readFileSync(ret).includes(token)) found.push(join(jobs, a, b));
      }
    }
    assert.equal(found.length, 1, `one job holding ${token} in ${jobs}`);
    assert.ok(readFileSync(join(found[0]!, '.load.p')).includes('test.echo'));
  });

  test('a minion whose key is not accepted is told so and exits 2', async () => {
    const dir = join(cluster.root, 'minion-stranger', 'etc', 'salt');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'minion'), `id: stranger\nroot_dir: ${join(cluster.root, 'minion-stranger')}\nmaster: 127.0.0.1\nmaster_port: ${cluster.ports.ret}\n`);
    const r = await run('salt-call', ['-c', dir, 'test.ping'], { timeoutMs: 30_000 });
    assert.equal(r.code, 2);
    assert.equal(r.stdout, 'Minion failed to authenticate with the master, has the minion key been accepted?\n');
    assert.match(r.stderr, /^\[ERROR   \] The Salt Master has cached the public key for this node/m);
  });
});
