import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, beforeEach, test } from 'node:test';
import { packBin, unpackBin } from '../protocol/binpack.js';
import { handleMineCommand, minePath } from './master.js';
import { wrapAclStructure, parseFunctionDefinition } from './acl.js';

const root = mkdtempSync(join(tmpdir(), 'salt-ts-mine-'));
after(() => rmSync(root, { recursive: true, force: true }));

type Dict = Record<string, unknown>;
let opts: Dict;

const GRAINS: Record<string, Dict> = {
  web1: { os: 'Debian', role: 'web' },
  web2: { os: 'Ubuntu', role: 'web' },
  db1: { os: 'Debian', role: 'db' },
};
const PILLAR: Record<string, Dict> = { web1: { tier: 'front*' }, web2: { tier: 'front' }, db1: { tier: 'back' } };

beforeEach(() => {
  const dir = mkdtempSync(join(root, 'm-'));
  opts = { pki_dir: join(dir, 'pki'), cachedir: join(dir, 'cache'), minion_data_cache: true };
  mkdirSync(join(dir, 'pki', 'minions'), { recursive: true });
  for (const id of ['web1', 'web2', 'db1']) {
    writeFileSync(join(dir, 'pki', 'minions', id), '-----BEGIN PUBLIC KEY-----\nx\n-----END PUBLIC KEY-----\n');
    mkdirSync(join(dir, 'cache', 'minions', id), { recursive: true });
    writeFileSync(join(dir, 'cache', 'minions', id, 'data.p'), packBin({ grains: { id, ...GRAINS[id] }, pillar: PILLAR[id] }));
  }
});

const call = (cmd: string, load: Dict) => handleMineCommand(cmd, load, opts);

async function seed(): Promise<void> {
  for (const id of ['web1', 'web2', 'db1']) {
    assert.equal(await call('_mine', { id, data: { 'test.ping': true, 'grains.item': { os: GRAINS[id].os } } }), true);
  }
}

test('_mine stores msgpack (bin type) in cachedir/minions/<id>/mine.p, merging unless clear', async () => {
  assert.equal(await call('_mine', { id: 'web1', data: { a: 1 } }), true);
  assert.equal(await call('_mine', { id: 'web1', data: { b: Buffer.from('x') } }), true);
  const raw = readFileSync(minePath(opts, 'web1'));
  assert.deepEqual(unpackBin(raw), { a: 1, b: Buffer.from('x') });
  assert.equal(raw[raw.indexOf(Buffer.from('b')) + 1], 0xc4, 'bytes are msgpack bin');
  assert.equal(await call('_mine', { id: 'web1', data: { c: 3 }, clear: true }), true);
  assert.deepEqual(unpackBin(readFileSync(minePath(opts, 'web1'))), { c: 3 });
});

test('_mine refuses loads without id or data and bad ids; stores nothing when the data cache is off', async () => {
  assert.equal(await call('_mine', { data: {} }), false);
  assert.equal(await call('_mine', { id: 'x' }), false);
  assert.equal(await call('_mine', { id: '../evil', data: {} }), false);
  opts.minion_data_cache = false;
  assert.equal(await call('_mine', { id: 'web1', data: { a: 1 } }), true);
  assert.equal(existsSync(minePath(opts, 'web1')), false);
  opts.enforce_mine_cache = true;
  assert.equal(await call('_mine', { id: 'web1', data: { a: 1 } }), true);
  assert.equal(existsSync(minePath(opts, 'web1')), true);
});

test('_mine_get resolves glob, list and pcre targets over the accepted keys', async () => {
  await seed();
  assert.deepEqual(await call('_mine_get', { id: 'db1', tgt: '*', fun: 'test.ping' }), { db1: true, web1: true, web2: true });
  assert.deepEqual(await call('_mine_get', { id: 'db1', tgt: 'web*', fun: 'test.ping', tgt_type: 'glob' }), { web1: true, web2: true });
  assert.deepEqual(await call('_mine_get', { id: 'db1', tgt: ['db1', 'nope'], fun: 'test.ping', tgt_type: 'list' }), { db1: true });
  assert.deepEqual(await call('_mine_get', { id: 'db1', tgt: 'web[0-9]$', fun: 'test.ping', tgt_type: 'pcre' }), { web1: true, web2: true });
});

test('_mine_get resolves grain, pillar (exact), and compound targets through the data cache', async () => {
  await seed();
  assert.deepEqual(await call('_mine_get', { id: 'db1', tgt: 'os:Debian', fun: 'test.ping', tgt_type: 'grain' }), { db1: true, web1: true });
  // pillar targets match exactly: 'front*' is not a glob here.
  assert.deepEqual(await call('_mine_get', { id: 'db1', tgt: 'tier:front*', fun: 'test.ping', tgt_type: 'pillar' }), { web1: true });
  assert.deepEqual(await call('_mine_get', { id: 'db1', tgt: 'G@role:web and not web2', fun: 'test.ping', tgt_type: 'compound' }), { web1: true });
  assert.deepEqual(await call('_mine_get', { id: 'db1', tgt: 'I@tier:front*', fun: 'test.ping', tgt_type: 'compound' }), { web1: true });
  assert.deepEqual(await call('_mine_get', { id: 'db1', tgt: 'os:Debian', fun: 'test.ping', expr_form: 'grain' }), { db1: true, web1: true });
});

test('_mine_get keys the answer by function when several are asked for', async () => {
  await seed();
  assert.deepEqual(await call('_mine_get', { id: 'db1', tgt: 'web1', fun: 'test.ping,grains.item' }), {
    'test.ping': { web1: true },
    'grains.item': { web1: { os: 'Debian' } },
  });
  assert.deepEqual(await call('_mine_get', { id: 'db1', tgt: 'web1', fun: ['test.ping'] }), { 'test.ping': { web1: true } });
  assert.deepEqual(await call('_mine_get', { id: 'db1', tgt: 'web1', fun: 'missing' }), {});
  assert.deepEqual(await call('_mine_get', { id: 'db1', tgt: 'web1', fun: 42 }), {});
  assert.deepEqual(await call('_mine_get', { tgt: 'web1', fun: 'test.ping' }), {});
});

test('_mine_get honours the master mine_get ACL and per-entry allow_tgt', async () => {
  await seed();
  await call('_mine', { id: 'web1', data: { secret: wrapAclStructure('s3', 'db*', 'glob'), open: wrapAclStructure('o') } });
  assert.deepEqual(await call('_mine_get', { id: 'db1', tgt: '*', fun: 'secret' }), { web1: 's3' });
  assert.deepEqual(await call('_mine_get', { id: 'web2', tgt: '*', fun: 'secret' }), {});
  assert.deepEqual(await call('_mine_get', { id: 'web2', tgt: '*', fun: 'open' }), { web1: 'o' });
  opts.mine_get = { 'web.*': ['test\\.ping'] };
  assert.deepEqual(await call('_mine_get', { id: 'web2', tgt: '*', fun: 'test.ping,grains.item' }), { 'test.ping': { db1: true, web1: true, web2: true } });
  assert.deepEqual(await call('_mine_get', { id: 'db1', tgt: '*', fun: 'test.ping' }), {});
  opts.mine_get = 'bad';
  assert.deepEqual(await call('_mine_get', { id: 'web2', tgt: '*', fun: 'test.ping' }), {});
});

test('_mine_delete removes one function, _mine_flush the whole mine', async () => {
  await seed();
  assert.equal(await call('_mine_delete', { id: 'web1', fun: 'test.ping' }), true);
  assert.deepEqual(unpackBin(readFileSync(minePath(opts, 'web1'))), { 'grains.item': { os: 'Debian' } });
  assert.equal(await call('_mine_delete', { id: 'web1' }), false);
  assert.equal(await call('_mine_flush', { id: 'web1' }), true);
  assert.equal(existsSync(minePath(opts, 'web1')), false);
  assert.equal(await call('_mine_flush', { id: 'web1' }), false);
  assert.equal(await call('_mine_delete', { id: 'web1', fun: 'x' }), true, 'a missing mine reads as {}');
});

test('commands that are not mine commands are left to others', async () => {
  assert.equal(await call('_serve_file', {}), undefined);
});

test('parseFunctionDefinition reads map and list forms and takes out the ACL', () => {
  assert.deepEqual(parseFunctionDefinition(['eth0', { cidr: '10.0.0.0/8' }, { mine_function: 'network.ip_addrs', allow_tgt: 'web*' }]), {
    name: 'network.ip_addrs',
    args: ['eth0'],
    kwargs: { cidr: '10.0.0.0/8' },
    acl: { allow_tgt: 'web*' },
  });
  assert.deepEqual(parseFunctionDefinition({ interface: 'eth0' }), { name: null, args: [], kwargs: { interface: 'eth0' }, acl: {} });
  assert.deepEqual(parseFunctionDefinition(null), { name: null, args: [], kwargs: {}, acl: {} });
  assert.deepEqual(wrapAclStructure(1, 'a', null), { __data__: 1, __saltmine_acl__: 1, allow_tgt: 'a' });
});
