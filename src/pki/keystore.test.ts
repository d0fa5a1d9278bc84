import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, renameSync, statSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { KeyStore, type KeyEvent } from './keystore.js';
import { InvalidKeyStatusError, InvalidMinionIdError, KeyReadError } from './errors.js';
import { readKeyFile } from './_files.js';
import { KEYS, tempTree } from './_testing.js';

function storeWith(files: Record<string, string>, extra: Partial<ConstructorParameters<typeof KeyStore>[0]> = {}) {
  const t = tempTree(files);
  const events: Array<[string, KeyEvent]> = [];
  const store = new KeyStore({
    pkiDir: join(t.dir, 'pki'),
    cachedir: join(t.dir, 'cache'),
    masterId: 'themaster_master',
    fireEvent: (tag, data) => void events.push([tag, data]),
    ...extra,
  });
  return { ...t, store, events };
}

test('listKeys() sorts names case-insensitively, skips dot files and directories, and gives [] for a missing dir', (t) => {
  const { store, cleanup } = storeWith({
    'pki/minions/web01': KEYS.minionA,
    'pki/minions/alpha': KEYS.minionA,
    'pki/minions/Bravo': KEYS.minionA,
    'pki/minions/.hidden': KEYS.minionA,
    'pki/minions/sub/x': KEYS.minionA,
    'pki/minions_pre/new': KEYS.minionB,
  });
  t.after(cleanup);
  assert.deepEqual(store.listKeys(), {
    minions: ['alpha', 'Bravo', 'web01'],
    minions_pre: ['new'],
    minions_rejected: [],
    minions_denied: [],
  });
  assert.deepEqual(Object.keys(store.listKeys()), ['minions', 'minions_pre', 'minions_rejected', 'minions_denied']);
  assert.deepEqual(store.list('minions_pre'), ['new']);
});

test('localKeys() lists the .pem and .pub files of pki_dir; allKeys() appends them as local', (t) => {
  const { store, cleanup } = storeWith({ 'pki/master.pub': KEYS.masterPub, 'pki/master.pem': KEYS.masterPem, 'pki/other.txt': 'x' });
  t.after(cleanup);
  assert.deepEqual(store.localKeys(), { local: ['master.pem', 'master.pub'] });
  assert.deepEqual(Object.keys(store.allKeys()), ['minions', 'minions_pre', 'minions_rejected', 'minions_denied', 'local']);
});

test('listStatus() understands the prefixes of salt-key -l', (t) => {
  const { store, cleanup } = storeWith({ 'pki/minions/a': KEYS.minionA, 'pki/minions_pre/p': KEYS.minionB, 'pki/minions_denied/d': KEYS.minionB });
  t.after(cleanup);
  assert.deepEqual(store.listStatus('accepted'), { minions: ['a'] });
  assert.deepEqual(store.listStatus('un'), { minions_pre: ['p'] });
  assert.deepEqual(store.listStatus('pre'), { minions_pre: ['p'] });
  assert.deepEqual(store.listStatus('rej'), { minions_rejected: [] });
  assert.deepEqual(store.listStatus('denied'), { minions_denied: ['d'] });
  assert.deepEqual(store.listStatus('bogus'), {});
});

test('nameMatch() takes a glob, a comma-separated list of globs, and searches local keys only when full', (t) => {
  const { store, cleanup } = storeWith({
    'pki/master.pub': KEYS.masterPub,
    'pki/minions/web1': KEYS.minionA,
    'pki/minions/db1': KEYS.minionA,
    'pki/minions_pre/web2': KEYS.minionB,
  });
  t.after(cleanup);
  assert.deepEqual(store.nameMatch('web*'), { minions: ['web1'], minions_pre: ['web2'] });
  assert.deepEqual(store.nameMatch('db1,web2'), { minions: ['db1'], minions_pre: ['web2'] });
  assert.deepEqual(store.nameMatch('master*'), {});
  assert.deepEqual(store.nameMatch('master*', true), { local: ['master.pub'] });
  assert.deepEqual(store.nameMatch('w?b[12]'), { minions: ['web1'], minions_pre: ['web2'] });
});

test('accept() moves pending keys to minions/, fires salt/key accept, and reports where the keys are now', async (t) => {
  const { store, events, dir, cleanup } = storeWith({ 'pki/minions_pre/m1': KEYS.minionA, 'pki/minions_pre/m2': KEYS.minionB, 'pki/minions_rejected/r1': KEYS.minionA });
  t.after(cleanup);
  const res = await store.accept('m*');
  assert.deepEqual(res, { keys: { minions: ['m1', 'm2'] }, invalid: [] });
  assert.equal(readFileSync(join(dir, 'pki/minions/m1'), 'utf8'), KEYS.minionA);
  assert.deepEqual(events, [
    ['salt/key', { result: true, act: 'accept', id: 'm1' }],
    ['salt/key', { result: true, act: 'accept', id: 'm2' }],
  ]);
  // A rejected key only moves with includeRejected.
  assert.deepEqual((await store.accept('r1')).keys, { minions_rejected: ['r1'] });
  assert.deepEqual((await store.accept('r1', { includeRejected: true })).keys, { minions: ['r1'] });
});

test('accept() leaves a key that is not an RSA public key where it is and lists it as invalid', async (t) => {
  const { store, events, dir, cleanup } = storeWith({ 'pki/minions_pre/bad': 'not a key', 'pki/minions_pre/good': KEYS.minionA });
  t.after(cleanup);
  const res = await store.accept({ minions_pre: ['bad', 'good'] });
  assert.deepEqual(res.invalid, ['bad']);
  assert.deepEqual(res.keys, { minions: ['good'] });
  assert.ok(existsSync(join(dir, 'pki/minions_pre/bad')));
  assert.equal(events.length, 1);
});

test('reject() moves keys to minions_rejected/ and drops cachedir/.dfn (mode 0400, holding the master id)', async (t) => {
  const { store, events, dir, cleanup } = storeWith({ 'pki/minions_pre/p1': KEYS.minionA, 'pki/minions/a1': KEYS.minionA });
  t.after(cleanup);
  assert.deepEqual(await store.reject('*'), { minions: ['a1'], minions_rejected: ['p1'] });
  assert.deepEqual(await store.reject('a1', { includeAccepted: true }), { minions_rejected: ['a1'] });
  assert.deepEqual(events.map(([, e]) => `${e.act}:${e.id}`), ['reject:p1', 'reject:a1']);
  const dfn = join(dir, 'cache/.dfn');
  assert.equal(statSync(dfn).mode & 0o777, 0o400);
  assert.equal(readFileSync(dfn, 'utf8'), 'themaster_master');
});

test('no .dfn is written when rotateAesKey is false', async (t) => {
  const { store, dir, cleanup } = storeWith({ 'pki/minions/a1': KEYS.minionA }, { rotateAesKey: false });
  t.after(cleanup);
  await store.delete('a1');
  assert.equal(existsSync(join(dir, 'cache/.dfn')), false);
});

test('delete() removes keys of every status, fires salt/key delete and removes the minion caches of deleted ids', async (t) => {
  const { store, events, dir, cleanup } = storeWith({
    'pki/minions/a1': KEYS.minionA,
    'pki/minions_denied/a1': KEYS.minionB,
    'pki/minions/keep': KEYS.minionA,
    'cache/minions/a1/data.p': 'x',
    'cache/minions/keep/data.p': 'x',
  });
  t.after(cleanup);
  assert.deepEqual(await store.delete('a1'), {});
  assert.deepEqual(store.listKeys().minions, ['keep']);
  assert.deepEqual(store.listKeys().minions_denied, []);
  assert.deepEqual(events.map(([, e]) => `${e.act}:${e.id}`), ['delete:a1', 'delete:a1']);
  assert.equal(existsSync(join(dir, 'cache/minions/a1')), false);
  assert.equal(existsSync(join(dir, 'cache/minions/keep')), true);
  assert.ok(existsSync(join(dir, 'cache/.dfn')));
});

test('acceptedKey() is served from memory and sees keys added or removed behind its back', (t) => {
  const { store, dir, cleanup } = storeWith({ 'pki/minions/a1': KEYS.minionA });
  t.after(cleanup);
  assert.equal(store.acceptedKey('a1'), KEYS.minionA);
  assert.equal(store.acceptedKey('b1'), undefined);
  writeFileSync(join(dir, 'pki/b1.tmp'), KEYS.minionB);
  renameSync(join(dir, 'pki/b1.tmp'), join(dir, 'pki/minions/b1'));
  assert.equal(store.acceptedKey('b1'), KEYS.minionB);
  unlinkSync(join(dir, 'pki/minions/a1'));
  assert.equal(store.acceptedKey('a1'), undefined);
  assert.deepEqual(store.acceptedIds(), ['b1']);
});

test('writeKey() writes atomically with mode 0644, creating the directory; status() finds it', (t) => {
  const { store, dir, cleanup } = storeWith({});
  t.after(cleanup);
  store.writeKey('m1', 'minions_pre', KEYS.minionA);
  const path = join(dir, 'pki/minions_pre/m1');
  assert.equal(readFileSync(path, 'utf8'), KEYS.minionA);
  assert.equal(statSync(path).mode & 0o777, 0o644);
  assert.equal(store.status('m1'), 'minions_pre');
  assert.equal(store.getKey('m1', 'minions_pre'), KEYS.minionA);
  assert.equal(store.status('nobody'), undefined);
});

test('ids that could escape the key directory are refused', (t) => {
  const { store, cleanup } = storeWith({});
  t.after(cleanup);
  for (const bad of ['', '.', '..', '../x', 'a/b', 'a\\b', 'a\0b']) {
    assert.throws(() => store.writeKey(bad, 'minions', KEYS.minionA), InvalidMinionIdError, JSON.stringify(bad));
  }
  assert.throws(() => store.getKey('x', 'minions_bogus' as never), InvalidKeyStatusError);
});

test('finger() and fingerAll() use hash_type and include the local master key files', (t) => {
  const { store, cleanup } = storeWith({ 'pki/master.pub': KEYS.masterPub, 'pki/minions/accepted-minion': KEYS.minionA }, { hashType: 'md5' });
  t.after(cleanup);
  assert.deepEqual(store.finger('accepted-minion'), { minions: { 'accepted-minion': '82:54:e4:07:a4:66:ee:a0:99:b0:f4:2d:07:73:70:9a' } });
  const all = store.fingerAll();
  assert.equal(all.local!['master.pub'], '31:b6:20:47:73:96:73:47:a2:62:a6:25:2d:13:44:60');
  assert.deepEqual(all.minions_pre, {});
});

test('keyStr() returns the PEM texts of the matching keys', (t) => {
  const { store, cleanup } = storeWith({ 'pki/minions/a1': KEYS.minionA, 'pki/minions_pre/a2': KEYS.minionB });
  t.after(cleanup);
  assert.deepEqual(store.keyStr('a*'), { minions: { a1: KEYS.minionA }, minions_pre: { a2: KEYS.minionB } });
  mkdirSync(join(store.pkiDir, 'minions_rejected'), { recursive: true });
  assert.deepEqual(Object.keys(store.keyStrAll()), ['minions', 'minions_pre', 'minions_rejected', 'minions_denied']);
});

test('a key that cannot be read is an error, not an absent key, and is not remembered as absent', (t) => {
  const { store, dir, cleanup } = storeWith({ 'pki/minions/a1': KEYS.minionA });
  t.after(cleanup);
  // A symlink loop fails to read (ELOOP) the way a key does when the master is out of descriptors.
  symlinkSync('loop-b', join(dir, 'pki/minions/loop-a'));
  symlinkSync('loop-a', join(dir, 'pki/minions/loop-b'));
  assert.throws(() => store.acceptedKey('loop-a'), KeyReadError);
  assert.throws(() => store.acceptedKey('loop-a'), KeyReadError, 'the failure is not cached as "not accepted"');
  assert.equal(readKeyFile(join(dir, 'pki/minions/nobody')), undefined);
  assert.equal(readKeyFile(join(dir, 'pki/minions')), undefined, 'a directory is no key');
  assert.equal(store.acceptedKey('a1'), KEYS.minionA);
});
