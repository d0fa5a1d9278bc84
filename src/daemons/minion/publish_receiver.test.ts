import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Crypticle } from '../../protocol/crypticle.js';
import { encodeWire } from '../../protocol/payload.js';
import { generateKeyPair, loadPrivateKey, loadPublicKey, sign } from '../../protocol/rsa.js';
import { PublishReceiver } from './publish_receiver.js';

const master = generateKeyPair(2048);
const masterPriv = loadPrivateKey(master.privatePem);
const masterPub = loadPublicKey(master.publicPem);

function frame(key: string, load: Record<string, unknown>, signed = true): Buffer {
  const blob = new Crypticle(key).dumps(load);
  const env: Record<string, unknown> = { enc: 'aes', load: blob };
  if (signed) Object.assign(env, { sig_algo: 'PKCS1v15-SHA1', sig: sign(masterPriv, blob, 'PKCS1v15-SHA1') });
  return encodeWire(env);
}

function receiver(aesKey: string, requireSignature = false, onReauth: () => void = () => {}) {
  return new PublishReceiver({
    id: 'm1',
    requireSignature,
    jidQueueHwm: 100,
    credentials: () => ({ aesKey, masterPub }),
    reauth: async () => onReauth(),
  });
}

const job = (jid: string, serial: number) => ({ fun: 'test.ping', arg: [], tgt: '*', jid, ret: '', tgt_type: 'glob', user: 'root', serial });

test('PublishReceiver accepts a fresh publish and drops the same frame replayed', async () => {
  const key = Crypticle.generateKeyString();
  const r = receiver(key);
  const f = frame(key, job('20250101000000000001', 1));
  const first = await r.receive([f]);
  assert.equal(first?.fun, 'test.ping');
  assert.equal(first && 'serial' in first, false, 'the serial is consumed');
  assert.equal(await r.receive([f]), null);
  assert.equal(r.drops['stale-serial'], 1);
});

test('PublishReceiver drops an older serial even with a new jid', async () => {
  const key = Crypticle.generateKeyString();
  const r = receiver(key);
  assert.ok(await r.receive([frame(key, job('20250101000000000002', 5))]));
  assert.equal(await r.receive([frame(key, job('20250101000000000003', 4))]), null);
});

test('PublishReceiver re-authenticates once when a publish does not decrypt, then drops it', async () => {
  const key = Crypticle.generateKeyString();
  let reauths = 0;
  const r = receiver(key, false, () => reauths++);
  assert.equal(await r.receive([frame(Crypticle.generateKeyString(), job('20250101000000000004', 1))]), null);
  assert.equal(reauths, 1);
  assert.equal(r.drops.decrypt, 1);
});

test('PublishReceiver with sign_pub_messages drops unsigned publishes and keeps signed ones', async () => {
  const key = Crypticle.generateKeyString();
  const r = receiver(key, true);
  assert.equal(await r.receive([frame(key, job('20250101000000000005', 1), false)]), null);
  assert.equal(r.drops.signature, 1);
  assert.ok(await r.receive([frame(key, job('20250101000000000006', 2), true)]));
});

test('PublishReceiver drops junk frames and foreign topics without throwing', async () => {
  const key = Crypticle.generateKeyString();
  const r = receiver(key);
  assert.equal(await r.receive([Buffer.from([0xc1, 0x00, 0xff])]), null);
  assert.equal(await r.receive([encodeWire({ enc: 'clear', load: {} })]), null);
  assert.equal(await r.receive([Buffer.from('someone-else'), frame(key, job('20250101000000000007', 1))]), null);
  assert.deepEqual({ u: r.drops.undecodable, n: r.drops['not-aes'], t: r.drops.topic }, { u: 1, n: 1, t: 1 });
});
