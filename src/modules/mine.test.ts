import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { Loader } from '../loader/loader.js';
import { handleMineCommand, minePath } from '../mine/master.js';
import { unpackBin } from '../protocol/binpack.js';

type Dict = Record<string, unknown>;
const root = mkdtempSync(join(tmpdir(), 'salt-ts-minemod-'));
after(() => rmSync(root, { recursive: true, force: true }));
let n = 0;

/** Two minions (m1, m2) whose mine requests are served by a master in a temp dir. */
function cluster(mineFunctions: Dict = {}, pillar: Dict = {}) {
  const dir = join(root, `c${n++}`);
  const master: Dict = { pki_dir: join(dir, 'pki'), cachedir: join(dir, 'cache') };
  mkdirSync(join(dir, 'pki', 'minions'), { recursive: true });
  for (const id of ['m1', 'm2']) writeFileSync(join(dir, 'pki', 'minions', id), 'key');
  const sent: Dict[] = [];
  const loaderFor = (id: string) =>
    new Loader({
      opts: { id, mine_functions: mineFunctions, cachedir: join(dir, id) },
      pillar,
      minion: { request: async (load) => (sent.push(load), handleMineCommand(String(load.cmd), { ...load }, master)) },
    });
  return { master, sent, m1: loaderFor('m1'), m2: loaderFor('m2') };
}

test('mine.update runs mine_functions (aliases, args, ACL) and stores them on the master', async () => {
  const c = cluster({ 'test.ping': [], echo: [{ mine_function: 'test.echo' }, 'hi'], guarded: { mine_function: 'test.echo', text: 'g', allow_tgt: 'm2' }, 'no.such': [] });
  assert.equal(await c.m1.call('mine.update', [], {}), true);
  assert.deepEqual(c.sent[0], {
    cmd: '_mine',
    data: { 'test.ping': true, echo: 'hi', guarded: { __data__: 'g', __saltmine_acl__: 1, allow_tgt: 'm2' } },
    id: 'm1',
    clear: false,
  });
  assert.deepEqual(unpackBin(readFileSync(minePath(c.master, 'm1'))), c.sent[0].data);
  assert.deepEqual(await c.m2.call('mine.get', ['*', 'test.ping']), { m1: true });
  assert.deepEqual(await c.m2.call('mine.get', ['m1', 'guarded']), { m1: 'g' });
  assert.deepEqual(await c.m1.call('mine.get', ['m1', 'guarded']), {}, 'allow_tgt keeps m1 out');
  assert.deepEqual(await c.m1.call('mine.get', ['*', 'test.ping,echo']), { 'test.ping': { m1: true }, echo: { m1: 'hi' } });
  assert.deepEqual(await c.m1.call('mine.get', ['*', 'test.ping'], { exclude_minion: true }), {});
});

test('mine.update with no mine_functions does nothing; mine_functions from pillar count', async () => {
  const c = cluster();
  assert.equal(await c.m1.call('mine.update'), null);
  assert.equal(c.sent.length, 0);
  const p = cluster({}, { mine_functions: { 'test.ping': [] } });
  assert.equal(await p.m1.call('mine.update'), true);
  assert.deepEqual(p.sent[0].data, { 'test.ping': true });
});

test('mine.send stores one function under its name; delete and flush remove data', async () => {
  const c = cluster();
  assert.equal(await c.m1.call('mine.send', ['myecho'], { mine_function: 'test.echo', text: 'x' }), true);
  assert.equal(await c.m1.call('mine.send', ['test.ping']), true);
  assert.deepEqual(await c.m2.call('mine.get', ['m1', 'myecho']), { m1: 'x' });
  assert.equal(await c.m1.call('mine.send', ['no.such']), false);
  assert.equal(await c.m1.call('mine.delete', ['myecho']), true);
  assert.deepEqual(await c.m2.call('mine.get', ['m1', 'myecho']), {});
  assert.deepEqual(await c.m2.call('mine.get', ['m1', 'test.ping']), { m1: true });
  assert.equal(await c.m1.call('mine.flush'), true);
  assert.deepEqual(await c.m2.call('mine.get', ['*', 'test.ping']), {});
});

test('mine.valid lists the configured entries that exist', async () => {
  const c = cluster({ 'test.ping': [], alias: [{ mine_function: 'test.echo' }, 'a', { k: 1 }], 'no.such': [] });
  assert.deepEqual(await c.m1.call('mine.valid'), { 'test.ping': [], alias: { 'test.echo': ['a', { k: 1 }] } });
});

test('masterless (file_client: local) keeps the mine in the local datastore', async () => {
  const dir = join(root, 'local');
  const loader = new Loader({ opts: { id: 'solo', file_client: 'local', cachedir: dir, mine_functions: { 'test.ping': [] } }, grains: { id: 'solo' } });
  assert.equal(await loader.call('mine.update'), true);
  assert.deepEqual(await loader.call('mine.get', ['solo', 'test.ping']), { solo: true });
  assert.deepEqual(await loader.call('mine.get', ['other', 'test.ping']), {});
  assert.equal(await loader.call('mine.flush'), true);
  assert.deepEqual(await loader.call('mine.get', ['solo', 'test.ping']), {});
});

test('without a master link mine.get answers False', async () => {
  const loader = new Loader({ opts: { id: 'x' } });
  assert.equal(await loader.call('mine.get', ['*', 'test.ping']), false);
});
