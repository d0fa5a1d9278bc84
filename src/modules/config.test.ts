import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Loader } from '../loader/loader.js';
import { runFunction } from '../loader/run.js';

const loader = new Loader({
  opts: { id: 'm1', file_client: 'remote', 'mymod.key': 'opt', shared: 'from-opts', nested: { a: { b: 1 } }, 'status.cpu': ['x'] },
  grains: { os: 'Debian', shared: 'from-grains', nested: { a: { c: 2 } } },
  pillar: { role: 'web', pkg: { apache: 'httpd' }, master: { worker_threads: 5, 'mymod.other': 'm', nested: { z: 9 } } },
});
const run = (fun: string, arg: unknown[] = []) => runFunction(loader, fun, arg);
const kw = (o: Record<string, unknown>) => ({ __kwarg__: true, ...o });

test('config.get searches opts, grains, pillar, master config, then defaults', async () => {
  assert.equal((await run('config.get', ['shared'])).return, 'from-opts');
  assert.equal((await run('config.get', ['os'])).return, 'Debian');
  assert.equal((await run('config.get', ['pkg:apache'])).return, 'httpd');
  assert.equal((await run('config.get', ['worker_threads'])).return, 5);
  assert.equal((await run('config.get', ['redis.port'])).return, 6379);
  assert.equal((await run('config.get', ['missing'])).return, '');
  assert.equal((await run('config.get', ['missing', kw({ default: 'dflt' })])).return, 'dflt');
  assert.equal((await run('config.get', ['pkg|apache', kw({ delimiter: '|' })])).return, 'httpd');
  assert.equal((await run('config.get', ['shared', kw({ omit_opts: true })])).return, 'from-grains');
});

test('config.get with merge combines every source, opts winning', async () => {
  assert.deepEqual((await run('config.get', ['nested', kw({ merge: 'recurse' })])).return, { z: 9, a: { c: 2, b: 1 } });
  assert.deepEqual((await run('config.get', ['nested', kw({ merge: 'overwrite' })])).return, { a: { b: 1 } });
});

test('config.option looks only at top-level keys and supports wildcards', async () => {
  assert.equal((await run('config.option', ['role'])).return, 'web');
  assert.equal((await run('config.option', ['pkg:apache'])).return, '');
  assert.equal((await run('config.option', ['mongo.port'])).return, 27017);
  assert.deepEqual((await run('config.option', ['mymod.*', kw({ wildcard: true })])).return, { 'mymod.other': 'm', 'mymod.key': 'opt' });
  assert.deepEqual((await run('config.option', ['nothing.*', kw({ wildcard: true })])).return, {});
});

test('config.dot_vals, valid_fileproto, items and merge', async () => {
  assert.deepEqual((await run('config.dot_vals', ['mymod'])).return, { 'mymod.other': 'm', 'mymod.key': 'opt' });
  assert.equal((await run('config.valid_fileproto', ['salt://top.sls'])).return, true);
  assert.equal((await run('config.valid_fileproto', ['HTTPS://x'])).return, true);
  assert.equal((await run('config.valid_fileproto', ['/srv/salt'])).return, false);
  assert.equal(((await run('config.items')).return as Record<string, unknown>).id, 'm1');
  assert.deepEqual((await run('config.merge', ['nested'])).return, { z: 9, a: { b: 1 } });
  assert.equal((await run('config.merge', ['shared'])).return, 'from-opts');
  assert.equal((await run('config.manage_mode', ['644'])).return, '0644');
});
