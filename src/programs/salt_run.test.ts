import { afterEach, beforeEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from './salt_run.js';

let root: string;
let confDir: string;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'salt-ts-run-'));
  confDir = join(root, 'etc');
  mkdirSync(confDir);
  writeFileSync(join(confDir, 'master'), `root_dir: ${root}\nid: here_master\n`);
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

async function run(args: string[], deps = {}) {
  let out = '';
  let err = '';
  const code = await main(['-c', confDir, ...args], { out: (s) => void (out += s), err: (s) => void (err += s) }, { env: {}, ...deps });
  return { code, out, err };
}

test('salt-run prints the runner return with nested and exits 0', async () => {
  const r = await run(['saltutil.sync_all']);
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /^cache:\nclouds:\n/);
});

test('salt-run --out json prints JSON', async () => {
  const r = await run(['saltutil.sync_all', '--out', 'json']);
  assert.equal(JSON.parse(r.out).modules.length, 0);
});

test('jobs.list_jobs shows the earlier runner call as a job of the master', async () => {
  await run(['saltutil.sync_all']);
  const r = await run(['jobs.list_jobs', '--out', 'json']);
  const jobs = Object.values(JSON.parse(r.out)) as Array<Record<string, unknown>>;
  assert.ok(jobs.some((j) => j.Function === 'runner.saltutil.sync_all' && j.Target === 'here_master'));
});

test("an unknown function prints Salt's text and exits 0", async () => {
  const r = await run(['nosuch.fun']);
  assert.equal(r.code, 0);
  assert.equal(r.out, "'nosuch.fun' is not available.\n");
});

test('-d prints the docs of a runner module with text headers', async () => {
  const r = await run(['-d', 'event']);
  assert.match(r.out, /^event\.send:\n\n    Send an event with the given tag and data\.\n/);
});

test('--async detaches the call and logs the tag to watch', async () => {
  let seen: { argv: string[]; jid: string } | null = null;
  const r = await run(['saltutil.sync_all', '--async'], { detach: async (argv: string[], jid: string) => void (seen = { argv, jid }) });
  assert.equal(r.code, 0);
  assert.equal(r.out, '');
  assert.ok(seen);
  const s = seen as { argv: string[]; jid: string };
  assert.match(s.jid, /^\d{20}$/);
  assert.equal(r.err, `[WARNING ] Running in asynchronous mode. Results of this execution may be collected by attaching to the master event bus or by examining the master job cache, if configured. This execution is running under tag salt/run/${s.jid}\n`);
});

test('a bad option is a usage error (64)', async () => {
  const r = await run(['--bogus']);
  assert.equal(r.code, 64);
  assert.match(r.err, /salt-run: error: no such option: --bogus/);
});
