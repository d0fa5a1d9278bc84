/** cp.recv and cp.recv_chunked: the minion side of salt-cp. */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { after, test } from 'node:test';
import { Loader } from '../loader/loader.js';
import { runFunction } from '../loader/run.js';

const dir = mkdtempSync(join(tmpdir(), 'cp-recv-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const loader = new Loader({ opts: { id: 'm1', file_client: 'local' }, grains: { id: 'm1' }, pillar: {}, builtins: { cp: [() => import('./cp.js')] } });
const call = (fun: string, arg: unknown[]) => runFunction(loader, fun, arg);
const b64 = (data: Buffer | string, gzip: boolean): Buffer => Buffer.from((gzip ? gzipSync(Buffer.from(data)) : Buffer.from(data)).toString('base64'), 'latin1');

test('cp.recv writes to dest, into dest when it is a directory, and says when dest is unavailable', async () => {
  const out = join(dir, 'recv');
  mkdirSync(out);
  assert.deepEqual((await call('cp.recv', [{ '/src/a.conf': 'A\n' }, join(out, 'b.conf')])).return, { [join(out, 'b.conf')]: true });
  assert.equal(readFileSync(join(out, 'b.conf'), 'utf8'), 'A\n');
  assert.deepEqual((await call('cp.recv', [{ '/src/a.conf': 'A2\n', '/src/c.conf': 'C\n' }, out])).return, { [join(out, 'a.conf')]: true, [join(out, 'c.conf')]: true });
  assert.equal(readFileSync(join(out, 'c.conf'), 'utf8'), 'C\n');
  assert.equal((await call('cp.recv', [{ '/src/a.conf': 'x' }, join(dir, 'missing', 'x')])).return, 'Destination unavailable');
  assert.deepEqual((await call('cp.recv', [{ '/src/bin': Buffer.from([0, 255, 1]) }, join(out, 'bin')])).return, { [join(out, 'bin')]: true });
  assert.deepEqual([...readFileSync(join(out, 'bin'))], [0, 255, 1]);
});

test('cp.recv_chunked appends gzip chunks, creates parent directories and sets the mode from the first chunk', async () => {
  const dest = join(dir, 'chunked', 'deep', 'file.bin');
  const r1 = await call('cp.recv_chunked', [dest, b64('hello ', true), false, true, 0o640]);
  assert.equal(r1.return, true);
  assert.equal(r1.retcode, 0);
  assert.equal((await call('cp.recv_chunked', [dest, b64('world', true), true, true, 0o600])).return, true);
  assert.equal(readFileSync(dest, 'utf8'), 'hello world');
  assert.equal(statSync(dest).mode & 0o777, 0o640);
});

test('cp.recv_chunked without compression writes raw chunks and accepts base64 text', async () => {
  const dest = join(dir, 'raw.bin');
  assert.equal((await call('cp.recv_chunked', [dest, Buffer.from([1, 2, 3]).toString('base64'), false, false])).return, true);
  assert.deepEqual([...readFileSync(dest)], [1, 2, 3]);
});

test('cp.recv_chunked with a null chunk creates an empty directory, and reports a file in the way', async () => {
  const d = join(dir, 'empty', 'sub');
  assert.equal((await call('cp.recv_chunked', [d, null])).return, true);
  assert.ok(statSync(d).isDirectory());
  assert.equal((await call('cp.recv_chunked', [d, null])).return, true);
  writeFileSync(join(dir, 'afile'), '');
  assert.equal((await call('cp.recv_chunked', [join(dir, 'afile'), null])).return, 'Path exists and is a file');
});

test('cp.recv_chunked returns the OSError text with retcode 1 when it cannot write', async () => {
  mkdirSync(join(dir, 'isdir'));
  const r = await call('cp.recv_chunked', [join(dir, 'isdir'), b64('x', false), false, false]);
  assert.equal(r.return, `[Errno 21] Is a directory: '${join(dir, 'isdir')}'`);
  assert.equal(r.retcode, 1);
});
