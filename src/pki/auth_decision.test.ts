import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { decideAuth, matchesSigningFile, type AuthDecisionOptions } from './auth_decision.js';
import { KeyStore } from './keystore.js';
import { KEYS, tempTree } from './_testing.js';

const PUB = KEYS.minionA; // as a 3006.7+ minion sends it: clean_key form, no final newline
const OTHER = KEYS.minionB;

function setup(files: Record<string, string> = {}) {
  const t = tempTree(files);
  const pkiDir = join(t.dir, 'pki');
  mkdirSync(pkiDir, { recursive: true });
  const store = new KeyStore({ pkiDir });
  const file = (rel: string) => join(pkiDir, rel);
  const read = (rel: string) => (existsSync(file(rel)) ? readFileSync(file(rel), 'utf8') : undefined);
  return { ...t, pkiDir, store, file, read };
}

test('a new minion is put in minions_pre and told it is pending (act pend, ret True)', (t) => {
  const { store, read, cleanup } = setup();
  t.after(cleanup);
  const d = decideAuth(store, { id: 'm1', pub: PUB });
  assert.deepEqual(d, { result: 'pend', ret: true, event: { result: true, act: 'pend', id: 'm1', pub: PUB } });
  assert.equal(read('minions_pre/m1'), PUB);
  // Asking again with the same key stays pending.
  assert.equal(decideAuth(store, { id: 'm1', pub: PUB + '\n' }).result, 'pend');
});

test('a pending minion presenting another key is denied and the key goes to minions_denied', (t) => {
  const { store, read, cleanup } = setup({ 'pki/minions_pre/m1': PUB });
  t.after(cleanup);
  const d = decideAuth(store, { id: 'm1', pub: OTHER });
  assert.deepEqual(d, { result: 'denied', ret: false, event: { result: false, act: 'denied', id: 'm1', pub: OTHER } });
  assert.equal(read('minions_denied/m1'), OTHER);
  assert.equal(read('minions_pre/m1'), PUB);
});

test('an accepted minion is accepted when its key matches after clean_key, and gets the stored key back', (t) => {
  const { store, cleanup } = setup({ 'pki/minions/m1': PUB + '\r\n' });
  t.after(cleanup);
  const d = decideAuth(store, { id: 'm1', pub: PUB });
  assert.equal(d.result, 'accept');
  assert.equal(d.pubPem, PUB + '\r\n');
  assert.deepEqual(d.event, { result: true, act: 'accept', id: 'm1', pub: PUB });
  assert.equal(d.ret, undefined);
});

test('an accepted minion presenting another key is denied (act denied) and the key goes to minions_denied', (t) => {
  const { store, read, cleanup } = setup({ 'pki/minions/m1': PUB });
  t.after(cleanup);
  const d = decideAuth(store, { id: 'm1', pub: OTHER });
  assert.equal(d.result, 'denied');
  assert.equal(d.event?.act, 'denied');
  assert.equal(read('minions_denied/m1'), OTHER);
  assert.equal(read('minions/m1'), PUB);
});

test('a rejected minion is refused without an act and nothing is written', (t) => {
  const { store, read, cleanup } = setup({ 'pki/minions_rejected/m1': PUB });
  t.after(cleanup);
  const d = decideAuth(store, { id: 'm1', pub: PUB }, { auto_accept: true });
  assert.deepEqual(d, { result: 'reject', ret: false, event: { result: false, id: 'm1', pub: PUB } });
  assert.equal(read('minions/m1'), undefined);
});

test('auto_accept writes a new key straight to minions and accepts', (t) => {
  const { store, read, cleanup } = setup();
  t.after(cleanup);
  const d = decideAuth(store, { id: 'm1', pub: PUB }, { auto_accept: true });
  assert.equal(d.result, 'accept');
  assert.equal(read('minions/m1'), PUB);
  assert.equal(read('minions_pre/m1'), undefined);
});

test('a pending key with autosign is accepted and removed from minions_pre; a different key is denied without act', (t) => {
  const { store, read, cleanup } = setup({ 'pki/minions_pre/m1': PUB, 'pki/minions_pre/m2': PUB });
  t.after(cleanup);
  assert.equal(decideAuth(store, { id: 'm1', pub: PUB }, { auto_accept: true }).result, 'accept');
  assert.equal(read('minions_pre/m1'), undefined);
  assert.equal(read('minions/m1'), PUB);
  const d = decideAuth(store, { id: 'm2', pub: OTHER }, { auto_accept: true });
  assert.deepEqual(d, { result: 'denied', ret: false, event: { result: false, id: 'm2', pub: OTHER } });
  assert.equal(read('minions_denied/m2'), OTHER);
});

test('autosign_file matches globs and whole-id regular expressions, skipping # comments', (t) => {
  const { dir, store, read, cleanup } = setup();
  t.after(cleanup);
  const autosign = join(dir, 'autosign.conf');
  writeFileSync(autosign, '# web servers\nweb*\ndb[0-9]+\n#m1\n');
  chmodSync(autosign, 0o644);
  const opts: AuthDecisionOptions = { autosign_file: autosign };
  assert.equal(decideAuth(store, { id: 'web01', pub: PUB }, opts).result, 'accept');
  assert.equal(decideAuth(store, { id: 'db42', pub: PUB }, opts).result, 'accept');
  assert.equal(decideAuth(store, { id: 'db42x', pub: PUB }, opts).result, 'pend');
  assert.equal(decideAuth(store, { id: 'm1', pub: PUB }, opts).result, 'pend');
  assert.equal(read('minions/web01'), PUB);
});

test('a world-writable autosign file is ignored; group-writable needs permissive_pki_access', (t) => {
  const { dir, cleanup } = setup();
  t.after(cleanup);
  const f = join(dir, 'autosign.conf');
  writeFileSync(f, '*\n');
  chmodSync(f, 0o646);
  assert.equal(matchesSigningFile('m1', f), false);
  chmodSync(f, 0o664);
  assert.equal(matchesSigningFile('m1', f), false);
  if (process.getuid?.() !== 0) assert.equal(matchesSigningFile('m1', f, true), true);
  chmodSync(f, 0o644);
  assert.equal(matchesSigningFile('m1', f), true);
});

test('autoreject_file puts a new key in minions_rejected and moves a pending one there (act reject)', (t) => {
  const { dir, store, read, cleanup } = setup({ 'pki/minions_pre/bad2': PUB });
  t.after(cleanup);
  const f = join(dir, 'autoreject.conf');
  writeFileSync(f, 'bad*\n');
  chmodSync(f, 0o644);
  const d = decideAuth(store, { id: 'bad1', pub: PUB }, { autoreject_file: f, auto_accept: true });
  assert.deepEqual(d, { result: 'reject', ret: false, event: { result: false, act: 'reject', id: 'bad1', pub: PUB } });
  assert.equal(read('minions_rejected/bad1'), PUB);
  assert.equal(decideAuth(store, { id: 'bad2', pub: OTHER }, { autoreject_file: f }).result, 'reject');
  assert.equal(read('minions_rejected/bad2'), PUB);
  assert.equal(read('minions_pre/bad2'), undefined);
});

test('a minions_autosign stub is consumed once; expired stubs are deleted', (t) => {
  const { store, file, cleanup } = setup({ 'pki/minions_autosign/m1': '', 'pki/minions_autosign/old': '' });
  t.after(cleanup);
  const old = (Date.now() - 121 * 60_000) / 1000;
  utimesSync(file('minions_autosign/old'), old, old);
  assert.equal(decideAuth(store, { id: 'm1', pub: PUB }).result, 'accept');
  assert.equal(existsSync(file('minions_autosign/m1')), false);
  assert.equal(existsSync(file('minions_autosign/old')), false);
  assert.equal(decideAuth(store, { id: 'old', pub: PUB }).result, 'pend');
});

test('autosign_grains accept a minion whose grain value is a line of the grain file', (t) => {
  const { dir, store, cleanup } = setup();
  t.after(cleanup);
  const grainsDir = join(dir, 'autosign_grains');
  mkdirSync(grainsDir);
  writeFileSync(join(grainsDir, 'uuid'), '# allowed\n  abc-123  \n');
  chmodSync(join(grainsDir, 'uuid'), 0o644);
  const opts: AuthDecisionOptions = { autosign_grains_dir: grainsDir };
  assert.equal(decideAuth(store, { id: 'g1', pub: PUB, autosignGrains: { uuid: 'abc-123' } }, opts).result, 'accept');
  assert.equal(decideAuth(store, { id: 'g2', pub: PUB, autosignGrains: { uuid: 'nope' } }, opts).result, 'pend');
  assert.equal(decideAuth(store, { id: 'g3', pub: PUB, autosignGrains: { other: 'abc-123' } }, opts).result, 'pend');
});

test('open_mode accepts anyone and overwrites a changed key; an empty key is invalid', (t) => {
  const { store, read, cleanup } = setup({ 'pki/minions/m1': PUB, 'pki/minions_rejected/m2': PUB });
  t.after(cleanup);
  assert.equal(decideAuth(store, { id: 'm1', pub: OTHER }, { open_mode: true }).result, 'accept');
  assert.equal(read('minions/m1'), OTHER);
  assert.equal(decideAuth(store, { id: 'm2', pub: PUB }, { open_mode: true }).result, 'accept');
  assert.deepEqual(decideAuth(store, { id: 'm3', pub: '' }, { open_mode: true }), { result: 'invalid', ret: false });
});

test('max_minions refuses new minions with "full" only when more than max are connected', (t) => {
  const { store, cleanup } = setup({ 'pki/minions/a': PUB });
  t.after(cleanup);
  const full = decideAuth(store, { id: 'new', pub: PUB, connectedIds: ['a', 'b', 'c'] }, { max_minions: 2 });
  assert.deepEqual(full, { result: 'full', ret: 'full', event: { result: false, act: 'full', id: 'new', pub: PUB } });
  assert.equal(decideAuth(store, { id: 'a', pub: PUB, connectedIds: ['a', 'b', 'c'] }, { max_minions: 2 }).result, 'accept');
  assert.equal(decideAuth(store, { id: 'new', pub: PUB, connectedIds: ['a', 'b'] }, { max_minions: 2 }).result, 'pend');
});

test('invalid ids, a pending path that is a directory and an unparseable accepted key give invalid', (t) => {
  const { store, file, cleanup } = setup({ 'pki/minions/broken': 'garbage' });
  t.after(cleanup);
  for (const id of ['', '..', 'a/b', '../../etc/passwd']) assert.equal(decideAuth(store, { id, pub: PUB }).result, 'invalid', id);
  mkdirSync(file('minions_pre/dirid'), { recursive: true });
  assert.equal(decideAuth(store, { id: 'dirid', pub: PUB }).result, 'invalid');
  // The stored key differs from the sent one, so it is denied; with the same garbage it is invalid.
  assert.equal(decideAuth(store, { id: 'broken', pub: 'garbage' }).result, 'invalid');
});
