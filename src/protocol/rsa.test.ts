import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { loadCases } from '../../test/support/conformance.js';
import {
  cleanKey,
  exportPrivatePem,
  exportPublicPem,
  generateKeyPair,
  genPubkeySignature,
  loadPrivateKey,
  loadPublicKey,
  oaepDecrypt,
  oaepEncrypt,
  rsaModulus,
  sign,
  verify,
  x931Sign,
  x931Verify,
} from './rsa.js';
import { RsaError, UnsupportedAlgorithmError } from './errors.js';
import { bytesOf } from './_tagged.js';

const cases = loadCases('wire', 'rsa.json');

/** Cases owned elsewhere, with the reason. */
const EXCLUDED: Record<string, string> = {};
for (const c of cases) {
  if (c.id.startsWith('salt-key-')) {
    EXCLUDED[c.id] = 'salt-key CLI output case: replayed by src/pki (the finger values are covered by finger-* cases)';
  }
}

function assertRejected(fn: () => unknown, saltError: string): void {
  if (saltError === 'UnsupportedAlgorithm') assert.throws(fn, UnsupportedAlgorithmError);
  else assert.throws(fn, RsaError);
}

// finger-* cases are replayed in finger.test.ts.
for (const c of cases.filter((x) => !x.id.startsWith('finger-'))) {
  const { input, expected } = c;
  const skip = EXCLUDED[c.id];
  const id = c.id;
  let run: () => void;
  if (id.startsWith('genkeys-')) {
    run = () => {
      const priv = loadPrivateKey(expected.private_pem, input.passphrase);
      if (input.passphrase) {
        assert.match(expected.private_pem, /Proc-Type: 4,ENCRYPTED\nDEK-Info: AES-256-CBC,/);
        assert.throws(() => loadPrivateKey(expected.private_pem, 'wrong'), RsaError);
      } else {
        assert.equal(exportPrivatePem(priv), expected.private_pem);
      }
      assert.equal(exportPublicPem(priv), expected.public_pem);
      assert.equal(exportPublicPem(loadPublicKey(expected.public_pem)), expected.public_pem);
      assert.equal(rsaModulus(priv).toString(16).padStart(expected.modulus_hex.length, '0'), expected.modulus_hex);
      assert.equal(priv.asymmetricKeyDetails?.modulusLength, expected.modulus_bits);
      assert.equal(Number(priv.asymmetricKeyDetails?.publicExponent), expected.public_exponent);
    };
  } else if (id.startsWith('clean-key-')) {
    run = () => assert.equal(cleanKey(input.key), expected.value);
  } else if (id.startsWith('sign-')) {
    run = () => {
      const msg = bytesOf(input.message);
      if (expected.error) {
        assertRejected(() => sign(input.private_key_pem, msg, input.algorithm), expected.error);
        assert.throws(() => sign(input.private_key_pem, msg, input.algorithm), { message: expected.message });
        return;
      }
      const sig = sign(input.private_key_pem, msg, input.algorithm);
      assert.equal(sig.toString('base64'), bytesOf(expected.signature).toString('base64'));
      const pub = exportPublicPem(loadPrivateKey(input.private_key_pem));
      assert.equal(verify(pub, msg, sig, input.algorithm), expected.verify);
    };
  } else if (id.startsWith('verify-')) {
    run = () => {
      const ok = verify(input.public_key_pem, bytesOf(input.message), bytesOf(input.signature), input.algorithm);
      assert.equal(ok, expected.valid);
    };
  } else if (id === 'gen-signature-master-pub') {
    run = () => assert.equal(genPubkeySignature(input.private_key_pem, input.public_key_file_text), expected.file_content);
  } else if (id.startsWith('x931-sign-')) {
    run = () => {
      const msg = bytesOf(input.message);
      if (expected.error) {
        assert.throws(() => x931Sign(input.private_key_pem, msg), RsaError);
        return;
      }
      if (input.aes_key_string) {
        assert.equal(msg.toString('ascii'), createHash('sha256').update(input.aes_key_string).digest('hex'));
      }
      const priv = loadPrivateKey(input.private_key_pem);
      const sig = x931Sign(priv, msg);
      assert.equal(sig.toString('hex'), bytesOf(expected.signature).toString('hex'));
      if (expected.recovered.error) assert.throws(() => x931Verify(priv, sig), /Unable to decrypt message/);
      else assert.deepEqual(x931Verify(priv, sig), bytesOf(expected.recovered));
    };
  } else if (id.startsWith('x931-verif')) {
    run = () => {
      const sig = bytesOf(input.signature);
      if (expected.error) {
        assert.throws(() => x931Verify(input.public_key_pem, sig), RsaError);
        return;
      }
      assert.deepEqual(x931Verify(input.public_key_pem, sig), bytesOf(expected.recovered));
    };
  } else if (id.startsWith('oaep-encrypt-')) {
    run = () => {
      const data = bytesOf(input.plaintext ?? input.data ?? input.message);
      const pub = input.public_key_pem ?? exportPublicPem(loadPrivateKey(input.private_key_pem));
      if (expected.error) {
        assertRejected(() => oaepEncrypt(pub, data, input.algorithm), expected.error);
        return;
      }
      assert.ok(oaepEncrypt(pub, data, input.algorithm).length > 0);
    };
  } else if (id.startsWith('oaep-')) {
    run = () => {
      const ct = bytesOf(input.ciphertext ?? { $bytes: '' });
      if (expected.error) {
        assertRejected(() => oaepDecrypt(input.private_key_pem, ct, input.algorithm), expected.error);
        return;
      }
      if (expected.ciphertext_length !== undefined) assert.equal(ct.length, expected.ciphertext_length);
      assert.deepEqual(oaepDecrypt(input.private_key_pem, ct, input.algorithm), bytesOf(expected.plaintext));
    };
  } else {
    run = () => assert.fail(`no replay rule for ${id}`);
  }
  test(`rsa.json ${id}: ${c.what ?? ''}`.slice(0, 160), { skip }, run);
}

const pair = generateKeyPair(1024);

test('generateKeyPair writes PKCS#1 private and SPKI public PEMs with a final newline', () => {
  assert.match(pair.privatePem, /^-----BEGIN RSA PRIVATE KEY-----\n[\s\S]+\n-----END RSA PRIVATE KEY-----\n$/);
  assert.match(pair.publicPem, /^-----BEGIN PUBLIC KEY-----\n[\s\S]+\n-----END PUBLIC KEY-----\n$/);
  assert.equal(exportPublicPem(loadPrivateKey(pair.privatePem)), pair.publicPem);
  const enc = generateKeyPair(1024, 's3cr3t');
  assert.match(enc.privatePem, /DEK-Info: AES-256-CBC,/);
  assert.equal(exportPublicPem(loadPrivateKey(enc.privatePem, 's3cr3t')), enc.publicPem);
});

test('loadPublicKey accepts an SPKI body labelled RSA PUBLIC KEY and rejects PKCS#1 and private keys', () => {
  const relabelled = pair.publicPem.replace(/PUBLIC KEY/g, 'RSA PUBLIC KEY');
  assert.equal(exportPublicPem(loadPublicKey(relabelled)), pair.publicPem);
  const pkcs1 = loadPublicKey(pair.publicPem).export({ type: 'pkcs1', format: 'pem' }) as string;
  assert.throws(() => loadPublicKey(pkcs1), /invalid RSA public key/);
  assert.throws(() => loadPublicKey(pair.privatePem), RsaError);
  assert.throws(() => loadPublicKey('garbage'), RsaError);
});

test('OAEP round-trips with both algorithms and rejects oversize data and unknown algorithms', () => {
  for (const algo of ['OAEP-SHA1', 'OAEP-SHA224']) {
    const ct = oaepEncrypt(pair.publicPem, Buffer.from('key string'), algo);
    assert.deepEqual(oaepDecrypt(pair.privatePem, ct, algo), Buffer.from('key string'));
  }
  assert.throws(() => oaepEncrypt(pair.publicPem, Buffer.alloc(87), 'OAEP-SHA1'), RsaError);
  assert.throws(() => oaepEncrypt(pair.publicPem, Buffer.alloc(1), 'OAEP-SHA256'), /Invalid encryption algorithm: OAEP-SHA256/);
});

test('x931Sign outputs min(s, n-s) and x931Verify accepts both forms', () => {
  const priv = loadPrivateKey(pair.privatePem);
  const n = rsaModulus(priv);
  const sig = x931Sign(priv, Buffer.from('salt'));
  const s = BigInt('0x' + sig.toString('hex'));
  assert.ok(s <= n - s);
  const otherForm = Buffer.from((n - s).toString(16).padStart(256, '0'), 'hex');
  assert.deepEqual(x931Verify(pair.publicPem, otherForm), Buffer.from('salt'));
  assert.deepEqual(x931Verify(pair.publicPem, sig), Buffer.from('salt'));
});

test('x931 rejects messages longer than k-2 and signatures not below the modulus', () => {
  assert.throws(() => x931Sign(pair.privatePem, Buffer.alloc(127)), /data too large/);
  assert.ok(x931Sign(pair.privatePem, Buffer.alloc(126, 1)).length === 128);
  assert.throws(() => x931Verify(pair.publicPem, Buffer.alloc(128, 0xff)), /Unable to decrypt message/);
  assert.throws(() => x931Verify(pair.publicPem, Buffer.alloc(129, 1)), /Unable to decrypt message/);
});

test('verify returns false for malformed signatures and throws for unknown algorithms', () => {
  assert.equal(verify(pair.publicPem, Buffer.from('x'), Buffer.alloc(3)), false);
  assert.throws(() => verify(pair.publicPem, Buffer.from('x'), Buffer.alloc(3), 'PKCS1v15-SHA256'), UnsupportedAlgorithmError);
});

test('cleanKey handles empty and whitespace-only input', () => {
  assert.equal(cleanKey(''), '');
  assert.equal(cleanKey(' \n\t '), '');
  assert.equal(cleanKey('a\r\n\r\nb \n'), 'a\n\nb');
});
