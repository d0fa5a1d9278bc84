import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { packBin } from '../protocol/binpack.js';
import { SALT_VERSION } from '../version.js';
import { compareVersions, connectedIds } from './manage.js';
import { localPortRemotes } from './_presence.js';
import { fakeMinions, testMaster, type TestMaster } from './_testing.js';

describe('manage runner', () => {
  let m: TestMaster;
  before(() => {
    m = testMaster();
    for (const id of ['m1', 'm2', 'm3']) writeFileSync(join(String(m.opts.pki_dir), 'minions', id), 'PEM');
    for (const [id, ip] of [['m1', '10.0.0.1'], ['m2', '10.0.0.2']]) {
      mkdirSync(join(String(m.opts.cachedir), 'minions', id!), { recursive: true });
      writeFileSync(join(String(m.opts.cachedir), 'minions', id!, 'data.p'), packBin({ grains: { ipv4: ['127.0.0.1', ip], ipv6: [] }, pillar: {} }));
    }
  });
  after(() => m.cleanup());

  test('status pings the target and splits minions into up and down (sorted)', async () => {
    const calls: Array<{ tgt: unknown; fun: string; arg: unknown[]; opts: unknown }> = [];
    const r = await m.client(fakeMinions({ m2: true, m1: true, m3: null }, calls)).cmd('manage.status', ['tgt=m*', 'timeout=2'], {}, { printEvent: false });
    assert.deepEqual(r, { up: ['m1', 'm2'], down: ['m3'] });
    assert.equal(calls[0]!.fun, 'test.ping');
    assert.equal(calls[0]!.tgt, 'm*');
    assert.deepEqual(calls[0]!.opts, { tgtType: 'glob', timeout: 2, gatherJobTimeout: 10 });
  });

  test('up and down list the answering and the silent minions', async () => {
    const pub = fakeMinions({ m1: true, m2: null, m3: null });
    assert.deepEqual(await m.client(pub).cmd('manage.up', [], {}, { printEvent: false }), ['m1']);
    assert.deepEqual(await m.client(pub).cmd('manage.down', [], {}, { printEvent: false }), ['m2', 'm3']);
  });

  test('status with no targeted minion gives empty lists', async () => {
    assert.deepEqual(await m.client(fakeMinions({})).cmd('manage.status', [], {}, { printEvent: false }), { up: [], down: [] });
  });

  test('down removekeys=True deletes the keys of the down minions', async () => {
    const r = await m.client(fakeMinions({ m1: true, m2: true, m3: null })).cmd('manage.down', ['removekeys=True'], {}, { printEvent: false });
    assert.deepEqual(r, ['m3']);
    assert.equal(existsSync(join(String(m.opts.pki_dir), 'minions', 'm3')), false);
    assert.equal(existsSync(join(String(m.opts.pki_dir), 'minions', 'm1')), true);
  });

  test('versions sorts minions by how their version compares with the master', async () => {
    const r = await m.client(fakeMinions({ m1: SALT_VERSION, m2: '3005.1', m3: '3007.1' })).cmd('manage.versions', [], {}, { printEvent: false });
    assert.deepEqual(r, { 'Up to date': { m1: SALT_VERSION }, 'Minion requires update': { m2: '3005.1' }, 'Minion newer than master': { m3: '3007.1' }, Master: SALT_VERSION });
  });

  test('connectedIds keeps cached minions with a grain address among the connected addresses', () => {
    assert.deepEqual(connectedIds(m.opts, null, false, new Set(['10.0.0.2'])), ['m2']);
    assert.deepEqual(connectedIds(m.opts, null, true, new Set(['10.0.0.1', '10.0.0.2'])), [['m1', '10.0.0.1'], ['m2', '10.0.0.2']]);
    assert.deepEqual(connectedIds(m.opts, ['m1'], false, new Set(['10.0.0.1', '10.0.0.2'])), ['m1']);
    assert.deepEqual(connectedIds({ ...m.opts, minion_data_cache: false }, null, false, new Set(['10.0.0.1'])), []);
  });

  test('present and not_present run without a master (presence from /proc)', async () => {
    const present = (await m.call('manage.present')) as string[];
    const notPresent = (await m.call('manage.not_present')) as string[];
    assert.ok(Array.isArray(present) && Array.isArray(notPresent));
    for (const id of present) assert.ok(!notPresent.includes(id));
  });

  test('compareVersions orders dotted versions numerically', () => {
    assert.equal(compareVersions('3006.10', '3006.9'), 1);
    assert.equal(compareVersions('3006.10', '3006.10'), 0);
    assert.equal(compareVersions('3005', '3006.10'), -1);
  });
});

describe('localPortRemotes', () => {
  test('reads established connections to the port from /proc/net/tcp and tcp6', () => {
    const tcp = [
      '  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode',
      '   0: 00000000:1199 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1 1',
      '   1: 0100007F:1199 0100007F:D3C2 01 00000000:00000000 00:00000000 00000000     0        0 2 1',
      '   2: 0A00000A:1199 0200000A:D3C3 01 00000000:00000000 00:00000000 00000000     0        0 3 1',
      '   3: 0A00000A:1F90 0300000A:D3C4 01 00000000:00000000 00:00000000 00000000     0        0 4 1',
    ].join('\n');
    const tcp6 = '   0: 00000000000000000000000000000000:1199 0000000000000000FFFF00000500000A:D3C5 01 0 0 0 0 0 0\n   1: 00000000000000000000000000000000:1199 B80D0120000000000000000001000000:D3C6 01 0 0 0 0 0 0';
    assert.deepEqual([...localPortRemotes(4505, { '/proc/net/tcp': tcp, '/proc/net/tcp6': tcp6 })], ['127.0.0.1', '10.0.0.2', '10.0.0.5', '2001:db8::1']);
  });
});
