import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { test } from 'node:test';
import { fingerprint, refineEnc } from './ssh.js';

test('refineEnc maps short key type names and rejects unknown ones', () => {
  assert.equal(refineEnc('rsa'), 'ssh-rsa');
  assert.equal(refineEnc('dsa'), 'ssh-dss');
  assert.equal(refineEnc('ecdsa'), 'ecdsa-sha2-nistp256');
  assert.equal(refineEnc('ed25519'), 'ssh-ed25519');
  assert.equal(refineEnc('sk-ssh-ed25519@openssh.com'), 'sk-ssh-ed25519@openssh.com');
  assert.throws(() => refineEnc('bogus'), /Incorrect encryption key type 'bogus'\./);
});

test('fingerprint is the colon-separated digest of the decoded key, null for bad base64', () => {
  const key = Buffer.from('salt-ts key body').toString('base64');
  const hex = createHash('sha256').update('salt-ts key body').digest('hex');
  assert.equal(fingerprint(key, null), hex.match(/../g)!.join(':'));
  assert.equal(fingerprint(key, 'md5'), createHash('md5').update('salt-ts key body').digest('hex').match(/../g)!.join(':'));
  assert.equal(fingerprint('not base64!', null), null);
  assert.throws(() => fingerprint(key, 'nohash'), /The fingerprint_hash_type nohash is not supported\./);
});
