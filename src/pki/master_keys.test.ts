import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, statSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { createPrivateKey } from 'node:crypto';
import { ensureMasterKeys, genKeys } from './master_keys.js';
import { KEYS, tempTree } from './_testing.js';

test('genKeys() writes <name>.pem (PKCS#1, 0400) and <name>.pub (SPKI, 0644) like salt.crypt.gen_keys', async (t) => {
  const { dir, cleanup } = tempTree();
  t.after(cleanup);
  const out = join(dir, 'keys');
  const pair = await genKeys('minion', out, 2048);
  assert.equal(pair.created, true);
  const pem = readFileSync(join(out, 'minion.pem'), 'utf8');
  const pub = readFileSync(join(out, 'minion.pub'), 'utf8');
  assert.match(pem, /^-----BEGIN RSA PRIVATE KEY-----\n[\s\S]+\n-----END RSA PRIVATE KEY-----\n$/);
  assert.match(pub, /^-----BEGIN PUBLIC KEY-----\n[\s\S]+\n-----END PUBLIC KEY-----\n$/);
  assert.equal(statSync(join(out, 'minion.pem')).mode & 0o777, 0o400);
  assert.equal(statSync(join(out, 'minion.pub')).mode & 0o777, 0o644);
  assert.equal((createPrivateKey(pem).asymmetricKeyDetails?.modulusLength), 2048);
  // An existing private key is kept, as Salt does.
  const again = await genKeys('minion', out, 2048);
  assert.equal(again.created, false);
  assert.equal(again.privatePem, pem);
});

test('ensureMasterKeys() keeps an existing master.pem and re-derives a missing master.pub byte for byte', async (t) => {
  const { dir, cleanup } = tempTree({ 'pki/master.pem': KEYS.masterPem, 'pki/master.pub': KEYS.masterPub });
  t.after(cleanup);
  const pkiDir = join(dir, 'pki');
  const kept = await ensureMasterKeys(pkiDir);
  assert.equal(kept.created, false);
  assert.equal(kept.publicPem, KEYS.masterPub);
  unlinkSync(join(pkiDir, 'master.pub'));
  const rederived = await ensureMasterKeys(pkiDir);
  assert.equal(readFileSync(join(pkiDir, 'master.pub'), 'utf8'), KEYS.masterPub);
  assert.equal(rederived.publicPem, KEYS.masterPub);
  assert.equal(statSync(join(pkiDir, 'master.pub')).mode & 0o777, 0o644);
  assert.ok(existsSync(join(pkiDir, 'master.pem')));
});
