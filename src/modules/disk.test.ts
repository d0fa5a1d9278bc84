import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Loader } from '../loader/loader.js';
import { runFunction } from '../loader/run.js';

const loader = new Loader({ opts: { id: 'm1' }, grains: { kernel: 'Linux' } });
const run = (fun: string, arg: unknown[] = []) => runFunction(loader, fun, arg);

test('disk.usage is keyed by mount point with df -P columns as strings', async () => {
  const r = await run('disk.usage');
  assert.equal(r.retcode, 0);
  const usage = r.return as Record<string, Record<string, string>>;
  assert.ok('/' in usage, 'the root file system is listed');
  assert.deepEqual(Object.keys(usage['/']), ['filesystem', '1K-blocks', 'used', 'available', 'capacity']);
  assert.match(usage['/']['1K-blocks'], /^\d+$/);
  assert.match(usage['/'].capacity, /^\d+%$/);
});

test('disk.usage rejects flags df is not allowed to get', async () => {
  const r = await run('disk.usage', ['z']);
  assert.deepEqual(r, { return: 'ERROR: Invalid flag passed to disk.usage', retcode: 1, success: false, out: 'nested' });
});

test('disk.inodeusage and disk.percent report per mount point', async () => {
  const inodes = (await run('disk.inodeusage')).return as Record<string, Record<string, string>>;
  assert.deepEqual(Object.keys(inodes['/']), ['inodes', 'used', 'free', 'use', 'filesystem']);
  const percent = (await run('disk.percent')).return as Record<string, string>;
  assert.match(percent['/'], /^\d+%$/);
  assert.equal((await run('disk.percent', ['/'])).return, percent['/']);
  assert.deepEqual((await run('disk.percent', ['/no/such/mount'])).return, {});
});
