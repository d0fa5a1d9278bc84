import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodePublish, decodeRequest, encodePublish, encodeRequest, newNonce, parseSubscription } from './envelope.js';
import { encodeWire } from './payload.js';
import { PayloadError, ProtocolError } from './errors.js';

test('encodeRequest writes Salt key order and decodeRequest gives the typed union back', () => {
  const clear = encodeRequest({ enc: 'clear', load: { cmd: '_auth', id: 'm1' }, version: 3 });
  assert.equal(clear.toString('hex'), encodeWire({ enc: 'clear', load: { cmd: '_auth', id: 'm1' }, version: 3 }).toString('hex'));
  assert.deepEqual(decodeRequest(clear), { enc: 'clear', load: { cmd: '_auth', id: 'm1' }, version: 3 });

  const blob = Buffer.from([0xff, 0x00, 0x81]);
  const aes = encodeRequest({ enc: 'aes', load: blob, version: 3, id: 'm1', enc_algo: 'OAEP-SHA1', sig_algo: 'PKCS1v15-SHA1' });
  const expected = { enc: 'aes', load: blob, version: 3, id: 'm1', enc_algo: 'OAEP-SHA1', sig_algo: 'PKCS1v15-SHA1' };
  assert.equal(aes.toString('hex'), encodeWire(expected).toString('hex'));
  assert.deepEqual(decodeRequest(aes), expected);
});

test('decodeRequest reads a missing version as 0 and encodeRequest leaves version 0 out', () => {
  const legacy = encodeWire({ enc: 'clear', load: { cmd: '_auth' } });
  const env = decodeRequest(legacy);
  assert.equal(env.version, 0);
  assert.deepEqual(encodeRequest(env), legacy);
});

test('decodeRequest turns an aes load that happened to be valid UTF-8 back into bytes', () => {
  const env = decodeRequest(encodeWire({ enc: 'aes', load: Buffer.alloc(80), version: 2 }));
  assert.equal(env.enc, 'aes');
  assert.deepEqual(env.load, Buffer.alloc(80));
});

test('decodeRequest routes any enc other than aes to clear, like Salt', () => {
  assert.equal(decodeRequest(encodeWire({ enc: 'pub', load: {}, version: 2 })).enc, 'clear');
});

test('decodeRequest rejects malformed envelopes with ProtocolError saying what was wrong', () => {
  assert.throws(() => decodeRequest(encodeWire([1, 2, 3])), /envelope must be a map, got an array/);
  assert.throws(() => decodeRequest(encodeWire({ enc: 'clear', version: 2 })), /needs 'enc' and 'load'/);
  assert.throws(() => decodeRequest(encodeWire({ enc: 'clear', load: 'x' })), /load must be a dict/);
  assert.throws(() => decodeRequest(encodeWire({ enc: 'aes', load: 5 })), /'load' must be bytes/);
  assert.throws(() => decodeRequest(encodeWire({ enc: 'aes', load: 'x', id: 7 })), /'id' must be text/);
  assert.throws(() => decodeRequest(encodeWire({ enc: 'clear', load: {}, version: '3' })), ProtocolError);
  assert.throws(() => decodeRequest(Buffer.from('c1', 'hex')), PayloadError);
  assert.equal(new ProtocolError('x').code, 'EPROTO');
});

test('publish envelopes round-trip in Salt key order and reject non-aes frames', () => {
  const env = { enc: 'aes' as const, load: Buffer.from([1, 2, 0xff]), sig_algo: 'PKCS1v15-SHA1', sig: Buffer.from([0xfe]) };
  const bytes = encodePublish(env);
  assert.equal(bytes.toString('hex'), encodeWire({ enc: 'aes', load: env.load, sig_algo: env.sig_algo, sig: env.sig }).toString('hex'));
  assert.deepEqual(decodePublish(bytes), env);
  assert.deepEqual(decodePublish(encodePublish({ enc: 'aes', load: Buffer.from([0xff]) })), { enc: 'aes', load: Buffer.from([0xff]) });
  assert.throws(() => decodePublish(encodeWire({ enc: 'clear', load: {} })), ProtocolError);
});

test('parseSubscription reads subscribe/unsubscribe frames', () => {
  assert.deepEqual(parseSubscription(Buffer.from([1, 0x61])), { subscribe: true, unsubscribe: false, topic: Buffer.from('a') });
  assert.equal(parseSubscription(Buffer.from([0])).unsubscribe, true);
  assert.throws(() => parseSubscription(Buffer.alloc(0)), ProtocolError);
  assert.throws(() => parseSubscription(Buffer.from([2])), ProtocolError);
});

test('newNonce gives 32 lowercase hex characters', () => {
  assert.match(newNonce(), /^[0-9a-f]{32}$/);
  assert.notEqual(newNonce(), newNonce());
});
