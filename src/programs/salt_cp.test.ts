import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { after, test } from 'node:test';
import { Loader } from '../loader/loader.js';
import { runFunction } from '../loader/run.js';
import { fileChunks, listFiles, recvChunkedArgs, runChunked, runOldstyle, SaltCpExit, type CpClient } from './salt_cp.js';

const dir = mkdtempSync(join(tmpdir(), 'salt-cp-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** One minion, in process: publishes run the real cp module; every call is recorded. */
function fakeMinion(id = 'm1'): CpClient & { calls: Array<{ fun: string; arg: unknown[] }> } {
  const loader = new Loader({ opts: { id, file_client: 'local' }, grains: { id }, pillar: {}, builtins: { cp: [() => import('../modules/cp.js')] } });
  const calls: Array<{ fun: string; arg: unknown[] }> = [];
  return {
    calls,
    async cmd(_tgt, fun, arg) {
      calls.push({ fun, arg });
      return { [id]: (await runFunction(loader, fun, arg)).return };
    },
  };
}

const p = (src: string[], dest: string) => ({ tgt: '*', tgtType: null, src, dest });

test('old-style salt-cp publishes cp.recv with the file text and dest, and returns {minion: {dest: True}}', async () => {
  const src = join(dir, 'hosts.txt');
  writeFileSync(src, 'line1\r\nline2\n');
  const client = fakeMinion();
  const dest = join(dir, 'hosts.copy');
  const ret = await runOldstyle(client, p([src], dest), 5);
  assert.deepEqual(ret, { m1: { [dest]: true } });
  assert.deepEqual(client.calls, [{ fun: 'cp.recv', arg: [{ [src]: 'line1\nline2\n' }, dest] }]);
  assert.equal(readFileSync(dest, 'utf8'), 'line1\nline2\n', 'text mode reads universal newlines like Python');
});

test('old-style salt-cp refuses a directory (exit 1) and skips a missing source', async () => {
  await assert.rejects(runOldstyle(fakeMinion(), p([dir], '/tmp/x'), 5), (e: unknown) => e instanceof SaltCpExit && e.exitCode === 1 && e.message === `${dir} is a directory, only files are supported in non-chunked mode. Use "--chunked" command line argument.\n`);
  const client = fakeMinion();
  await runOldstyle(client, p([join(dir, 'nope')], join(dir, 'y')), 5);
  assert.deepEqual(client.calls[0]!.arg, [{}, join(dir, 'y')]);
});

test('fileChunks: gzip chunks always end with a short one; raw chunks have none for an empty file', () => {
  const f = join(dir, 'eight.bin');
  writeFileSync(f, Buffer.alloc(8, 7));
  const gz = [...fileChunks(f, 4, true)].map((c) => gunzipSync(c).length);
  assert.deepEqual(gz, [4, 4, 0]);
  assert.deepEqual([...fileChunks(f, 3, false)].map((c) => c.length), [3, 3, 2]);
  const empty = join(dir, 'empty.bin');
  writeFileSync(empty, '');
  assert.equal([...fileChunks(empty, 4, false)].length, 0);
  assert.equal([...fileChunks(empty, 4, true)].length, 1);
});

test('listFiles walks directories, keeps modes and reports empty dirs; a missing source exits 42', () => {
  const tree = join(dir, 'tree');
  mkdirSync(join(tree, 'sub'), { recursive: true });
  mkdirSync(join(tree, 'void'));
  writeFileSync(join(tree, 'sub', 'a'), 'a');
  chmodSync(join(tree, 'sub', 'a'), 0o751);
  const { files, emptyDirs } = listFiles([tree]);
  assert.deepEqual([...files], [[join(tree, 'sub', 'a'), 0o751]]);
  assert.deepEqual(emptyDirs, [join(tree, 'void')]);
  assert.throws(() => listFiles([join(dir, 'missing')]), (e: unknown) => e instanceof SaltCpExit && e.exitCode === 42 && e.message === `${join(dir, 'missing')} does not exist\n`);
});

test('chunked salt-cp copies a binary file in many compressed chunks with its mode', async () => {
  const src = join(dir, 'big.bin');
  const data = randomBytes(50_000);
  writeFileSync(src, data);
  chmodSync(src, 0o600);
  const dest = join(dir, 'big.copy');
  const client = fakeMinion();
  const ret = await runChunked(client, p([src], dest), { timeout: 5, gzip: true, chunkSize: 16_384, minions: async () => ['m1'] });
  assert.deepEqual(ret, { m1: { [dest]: true } });
  assert.ok(readFileSync(dest).equals(data));
  assert.equal(statSync(dest).mode & 0o777, 0o600);
  assert.equal(client.calls.length, 4);
  assert.deepEqual(client.calls.map((c) => c.arg[2]), [false, true, true, true]);
  assert.ok(Buffer.isBuffer(client.calls[0]!.arg[1]), 'chunks travel as base64 bytes');
});

test('chunked salt-cp copies a directory tree under dest/<dirname>, creating empty directories', async () => {
  const tree = join(dir, 'conf');
  mkdirSync(join(tree, 'a'), { recursive: true });
  mkdirSync(join(tree, 'empty'));
  writeFileSync(join(tree, 'a', 'x.conf'), 'x');
  writeFileSync(join(tree, 'top.conf'), 'top');
  const dest = join(dir, 'deployed');
  const ret = await runChunked(fakeMinion(), p([tree], dest), { timeout: 5, gzip: false, chunkSize: 1000, minions: async () => ['m1'] });
  assert.deepEqual(ret, { m1: { [join(dest, 'conf', 'a', 'x.conf')]: true, [join(dest, 'conf', 'top.conf')]: true, [join(dest, 'conf', 'empty')]: true } });
  assert.equal(readFileSync(join(dest, 'conf', 'a', 'x.conf'), 'utf8'), 'x');
  assert.ok(statSync(join(dest, 'conf', 'empty')).isDirectory());
});

test('chunked salt-cp reports a failed publish per targeted minion', async () => {
  const src = join(dir, 'small.txt');
  writeFileSync(src, 'small');
  const nobody: CpClient = { cmd: async () => ({}) };
  const ret = await runChunked(nobody, p([src], '/tmp/z'), { timeout: 5, gzip: true, chunkSize: 98304, minions: async () => ['m1', 'm2'] });
  const msg = 'Publish failed. It may be necessary to decrease salt_cp_chunk_size (current value: 98304)';
  assert.deepEqual(ret, { m1: { '/tmp/z': msg }, m2: { '/tmp/z': msg } });
});

test('chunked salt-cp keeps the first error of a minion over later chunks', async () => {
  const src = join(dir, 'two.txt');
  writeFileSync(src, 'abcdef');
  let n = 0;
  const flaky: CpClient = { cmd: async () => ({ m1: ++n === 1 ? '[Errno 13] Permission denied' : true }) };
  const ret = await runChunked(flaky, p([src], '/tmp/t'), { timeout: 5, gzip: false, chunkSize: 3, minions: async () => ['m1'] });
  assert.deepEqual(ret, { m1: { '/tmp/t': '[Errno 13] Permission denied' } });
});

test('recvChunkedArgs sends a chunk that reads like key= as a keyword argument, others positionally', () => {
  const plain = Buffer.from('ab+/cd==', 'latin1');
  assert.deepEqual(recvChunkedArgs('/d', plain, false, true, 0o644), ['/d', plain, false, true, 0o644]);
  const empty = Buffer.from('H4sIAAAAAAACAwMAAAAAAAAAAAA=', 'latin1');
  assert.deepEqual(recvChunkedArgs('/d', empty, true, true, null), ['/d', { __kwarg__: true, chunk: empty, append: true, compressed: true, mode: null }]);
});

test('chunked salt-cp of an exact multiple of the chunk size ends with the empty gzip chunk and still succeeds', async () => {
  const src = join(dir, 'exact.bin');
  writeFileSync(src, Buffer.alloc(32, 1));
  const dest = join(dir, 'exact.copy');
  const client = fakeMinion();
  const ret = await runChunked(client, p([src], dest), { timeout: 5, gzip: true, chunkSize: 16, minions: async () => ['m1'] });
  assert.deepEqual(ret, { m1: { [dest]: true } });
  assert.equal(client.calls.length, 3);
  assert.ok(readFileSync(dest).equals(Buffer.alloc(32, 1)));
});
