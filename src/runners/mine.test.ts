import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { packBin } from '../protocol/binpack.js';
import { testMaster, type TestMaster } from './_testing.js';

let m: TestMaster;
before(() => {
  m = testMaster();
  const put = (id: string, mine: unknown) => {
    writeFileSync(join(String(m.opts.pki_dir), 'minions', id), 'PEM');
    mkdirSync(join(String(m.opts.cachedir), 'minions', id), { recursive: true });
    writeFileSync(join(String(m.opts.cachedir), 'minions', id, 'mine.p'), packBin(mine));
  };
  put('web1', { 'network.ip_addrs': ['10.0.0.1'], 'test.ping': true });
  put('web2', { 'network.ip_addrs': { __saltmine_acl__: 1, __data__: ['10.0.0.2'], allow_tgt: 'nobody' } });
  put('db1', { 'network.ip_addrs': { __saltmine_acl__: 1, __data__: ['10.0.0.3'] } });
});
after(() => m.cleanup());

test('mine.get gives {minion: data} for one function, honouring allow_tgt', async () => {
  assert.deepEqual(await m.call('mine.get', ['*', 'network.ip_addrs']), { db1: ['10.0.0.3'], web1: ['10.0.0.1'] });
});

test('mine.get gives {function: {minion: data}} for several functions', async () => {
  assert.deepEqual(await m.call('mine.get', ['web*', 'network.ip_addrs,test.ping']), { 'network.ip_addrs': { web1: ['10.0.0.1'] }, 'test.ping': { web1: true } });
});

test('mine.get with a list target type', async () => {
  assert.deepEqual(await m.call('mine.get', ['db1,web1', 'test.ping', 'tgt_type=list']), { web1: true });
});
