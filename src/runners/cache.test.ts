import { beforeEach, afterEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { packBin, unpackBin } from '../protocol/binpack.js';
import { testMaster, type TestMaster } from './_testing.js';

describe('cache runner', () => {
  let m: TestMaster;
  const dataPath = (id: string, key = 'data') => join(String(m.opts.cachedir), 'minions', id, `${key}.p`);
  beforeEach(() => {
    m = testMaster();
    for (const id of ['web1', 'web2', 'db1']) writeFileSync(join(String(m.opts.pki_dir), 'minions', id), 'PEM');
    const put = (id: string, key: string, v: unknown) => {
      mkdirSync(join(String(m.opts.cachedir), 'minions', id), { recursive: true });
      writeFileSync(dataPath(id, key), packBin(v));
    };
    put('web1', 'data', { grains: { os: 'Debian', role: 'web' }, pillar: { app: 'shop' } });
    put('db1', 'data', { grains: { os: 'Debian', role: 'db' }, pillar: {} });
    put('web1', 'mine', { 'network.ip_addrs': ['10.0.0.1'], 'test.ping': true });
  });
  afterEach(() => m.cleanup());

  test('grains gives the cached grains of the targeted minions, {} for those without', async () => {
    assert.deepEqual(await m.call('cache.grains', ['web*']), { web1: { os: 'Debian', role: 'web' }, web2: {} });
    // Greedy grain matching keeps accepted minions that have no cached grains (web2), as Salt does.
    assert.deepEqual(await m.call('cache.grains', ['role:db', 'tgt_type=grain']), { db1: { os: 'Debian', role: 'db' }, web2: {} });
    assert.deepEqual(await m.call('cache.grains', ['nomatch*']), {});
  });

  test('grains requires a target', async () => {
    assert.match(String(await m.call('cache.grains')), /^\nPassed invalid arguments: grains\(\) missing 1 required positional argument: 'tgt'/);
  });

  test('pillar without a target gives every non-empty cached pillar', async () => {
    assert.deepEqual(await m.call('cache.pillar'), { web1: { app: 'shop' } });
    assert.deepEqual(await m.call('cache.pillar', ['db1']), { db1: {} });
  });

  test('mine gives the cached mine data', async () => {
    assert.deepEqual(await m.call('cache.mine', ['web*']), { web1: { 'network.ip_addrs': ['10.0.0.1'], 'test.ping': true }, web2: {} });
    assert.deepEqual(await m.call('cache.mine'), { web1: { 'network.ip_addrs': ['10.0.0.1'], 'test.ping': true } });
  });

  test('clear_grains keeps the pillar; clear_pillar keeps the grains', async () => {
    assert.equal(await m.call('cache.clear_grains', ['web1']), true);
    assert.deepEqual(unpackBin(readFileSync(dataPath('web1'))), { pillar: { app: 'shop' } });
    assert.equal(await m.call('cache.clear_pillar', ['db1']), true);
    assert.deepEqual(unpackBin(readFileSync(dataPath('db1'))), { grains: { os: 'Debian', role: 'db' } });
  });

  test('clear_grains removes data.p when there is no pillar to keep', async () => {
    await m.call('cache.clear_grains', ['db1']);
    assert.equal(existsSync(dataPath('db1')), false);
  });

  test('clear_all removes data.p and mine.p; without a target it does nothing and says False', async () => {
    assert.equal(await m.call('cache.clear_all'), false);
    assert.equal(existsSync(dataPath('web1')), true);
    assert.equal(await m.call('cache.clear_all', ['web*']), true);
    assert.equal(existsSync(dataPath('web1')), false);
    assert.equal(existsSync(dataPath('web1', 'mine')), false);
    assert.equal(existsSync(dataPath('db1')), true);
  });

  test('clear_mine_func drops one function from the mine', async () => {
    await m.call('cache.clear_mine_func', ['tgt=web1', 'clear_mine_func_flag=test.ping']);
    assert.deepEqual(unpackBin(readFileSync(dataPath('web1', 'mine'))), { 'network.ip_addrs': ['10.0.0.1'] });
  });
});
