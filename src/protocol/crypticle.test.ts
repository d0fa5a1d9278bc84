import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadCases } from '../../test/support/conformance.js';
import { Crypticle, parseKeyString, PICKLE_PAD } from './crypticle.js';
import { AuthenticationError, InvalidKeyError, NonceError, PayloadError } from './errors.js';
import { assertTaggedEqual, bytesOf, fromTagged } from './_tagged.js';

const cases = loadCases('wire', 'crypticle.json');

/** Asserts a rejection of the kind the corpus names: HMAC failures must stay apart from the rest. */
function assertRejects(fn: () => unknown, saltError: string): void {
  if (saltError === 'AuthenticationError') {
    assert.throws(fn, AuthenticationError);
  } else {
    assert.throws(fn, (err: unknown) => err instanceof Error && !(err instanceof AuthenticationError));
  }
}

for (const c of cases) {
  const { input, expected } = c;
  if (c.id.startsWith('keygen-') || c.id.startsWith('keyparse-')) {
    test(`crypticle.json ${c.id}: key string splits into 24-byte AES and 32-byte HMAC keys`, () => {
      if (expected.length !== undefined) assert.equal(input.key_string.length, expected.length);
      if (expected.error) {
        assert.throws(() => new Crypticle(input.key_string), InvalidKeyError);
        return;
      }
      const { aesKey, hmacKey } = parseKeyString(input.key_string);
      assert.deepEqual(aesKey, bytesOf(expected.aes_key));
      assert.deepEqual(hmacKey, bytesOf(expected.hmac_key));
      if (expected.raw_key) assert.deepEqual(Buffer.concat([aesKey, hmacKey]), bytesOf(expected.raw_key));
      const crypticle = new Crypticle(input.key_string);
      assert.deepEqual(crypticle.aesKey, bytesOf(expected.aes_key));
    });
  } else if (c.id.startsWith('encrypt-fixed-iv-')) {
    test(`crypticle.json ${c.id}: dumps with a fixed IV gives Salt's exact blob`, () => {
      const crypticle = new Crypticle(input.key_string);
      const blob = crypticle.dumps(fromTagged(input.value), input.nonce, { iv: bytesOf(input.iv) });
      assert.equal(blob.toString('hex'), bytesOf(expected.ciphertext).toString('hex'));
      assert.deepEqual(crypticle.decrypt(blob), bytesOf(expected.plaintext));
    });
  } else if (c.id.startsWith('encrypt-raw-len-')) {
    test(`crypticle.json ${c.id}: encrypt pads at the block boundary exactly like Salt`, () => {
      const crypticle = new Crypticle(input.key_string);
      const blob = crypticle.encrypt(bytesOf(input.data), { iv: bytesOf(input.iv) });
      assert.equal(blob.length, expected.length);
      assert.equal(blob.toString('hex'), bytesOf(expected.ciphertext).toString('hex'));
      assert.deepEqual(crypticle.decrypt(blob), bytesOf(input.data));
    });
  } else {
    test(`crypticle.json ${c.id}: loads gives Salt's result`, () => {
      const crypticle = new Crypticle(input.key_string, { serial: input.last_serial ?? 0 });
      const blob = bytesOf(input.ciphertext);
      if (expected.plaintext) assert.deepEqual(crypticle.decrypt(blob), bytesOf(expected.plaintext));
      if (expected.error) {
        assertRejects(() => crypticle.loads(blob, input.nonce), expected.error);
        return;
      }
      assertTaggedEqual(crypticle.loads(blob, input.nonce), expected.value);
      assert.equal(crypticle.lastSerial, expected.serial_after);
    });
  }
}

const KEY = 'AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8gISIjJCUmJygpKissLS4vMDEyMzQ1Njc=';

test('Crypticle rejects key strings that decode to 32 or 57 bytes', () => {
  assert.throws(() => new Crypticle(Buffer.alloc(32).toString('base64')), InvalidKeyError);
  assert.throws(() => new Crypticle(Buffer.alloc(57).toString('base64')), /invalid key/);
  assert.throws(() => new Crypticle('abc'), InvalidKeyError);
});

test('Crypticle.generateKeyString gives 76-char keys that round-trip', () => {
  const ks = Crypticle.generateKeyString();
  assert.equal(ks.length, 76);
  const a = new Crypticle(ks);
  assert.deepEqual(a.loads(a.dumps({ x: [1, 'two'] })), { x: [1, 'two'] });
  assert.notEqual(Crypticle.generateKeyString(), ks);
});

test('Crypticle.dumps uses a random IV each time', () => {
  const c = new Crypticle(KEY);
  assert.notDeepEqual(c.dumps({}), c.dumps({}));
});

test('Crypticle IVs never repeat across pool refills, and each blob still decrypts', () => {
  const c = new Crypticle(KEY);
  const blobs = Array.from({ length: 1000 }, (_, i) => c.dumps({ i }));
  const ivs = new Set(blobs.map((b) => b.subarray(0, 16).toString('hex')));
  assert.equal(ivs.size, 1000);
  // Blobs made before a refill keep their IV: all of them still verify and decrypt.
  blobs.forEach((b, i) => assert.deepEqual(c.loads(b), { i }));
});

test('Crypticle.loads checks the nonce and strips it', () => {
  const c = new Crypticle(KEY);
  const nonce = 'f'.repeat(32);
  const blob = c.dumps('hi', nonce);
  assert.equal(c.loads(blob, nonce), 'hi');
  assert.throws(() => c.loads(blob, 'e'.repeat(32)), NonceError);
  assert.throws(() => c.loads(blob), PayloadError);
  assert.throws(() => c.dumps('x', 'short'), TypeError);
});

test('Crypticle.loads applies the serial rule only to a top-level map key', () => {
  const c = new Crypticle(KEY);
  assert.deepEqual(c.loads(c.dumps({ fun: 'a', serial: 3 })), { fun: 'a' });
  assert.equal(c.lastSerial, 3);
  assert.deepEqual(c.loads(c.dumps({ fun: 'b', serial: 3 })), {});
  assert.deepEqual(c.loads(c.dumps({ fun: 'c', serial: '9' })), {});
  assert.deepEqual(c.loads(c.dumps({ nested: { serial: 1 } })), { nested: { serial: 1 } });
  const withIntKey = c.loads(c.dumps(new Map<unknown, unknown>([[1, 'x'], ['serial', 4]])));
  assert.deepEqual(withIntKey, new Map([[1, 'x']]));
  assert.equal(c.lastSerial, 4);
});

test('Crypticle.loads returns {} for a plaintext without the pickle:: prefix', () => {
  const c = new Crypticle(KEY);
  assert.deepEqual(c.loads(c.encrypt(Buffer.from('\x81\xa1a\x01'))), {});
  assert.deepEqual(c.loads(c.encrypt(Buffer.concat([PICKLE_PAD, Buffer.from('c3', 'hex')]))), true);
});

test('Crypticle.decrypt raises AuthenticationError for every short or altered blob', () => {
  const c = new Crypticle(KEY);
  const blob = c.encrypt(Buffer.from('hello'));
  for (const bad of [Buffer.alloc(0), blob.subarray(0, 31), blob.subarray(0, 47), Buffer.concat([blob, Buffer.from([0])])]) {
    assert.throws(() => c.decrypt(bad), AuthenticationError);
  }
  for (let i = 0; i < blob.length; i += 7) {
    const flipped = Buffer.from(blob);
    flipped[i] ^= 1;
    assert.throws(() => c.decrypt(flipped), AuthenticationError, `flip at ${i}`);
  }
  assert.equal(new AuthenticationError().code, 'EAUTH_HMAC');
});

test('Crypticle.loads with raw keeps strings as Buffers', () => {
  const c = new Crypticle(KEY);
  assert.deepEqual(c.loads(c.dumps('abc'), undefined, { raw: true }), Buffer.from('abc'));
});
