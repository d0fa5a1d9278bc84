import { afterEach, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateKeyPair } from '../protocol/rsa.js';
import { pemFinger } from '../protocol/finger.js';
import { WheelClient } from '../client/wheel_client.js';
import { testMaster, type TestMaster } from '../runners/_testing.js';
import { cleanFilename, cleanId } from './key.js';

const PUB = generateKeyPair(1024).publicPem;

describe('key wheel', () => {
  let m: TestMaster;
  let wheel: WheelClient;
  const pki = () => String(m.opts.pki_dir);
  beforeEach(() => {
    m = testMaster();
    writeFileSync(join(pki(), 'minions', 'acc1'), PUB);
    writeFileSync(join(pki(), 'minions_pre', 'pend1'), PUB);
    writeFileSync(join(pki(), 'minions_pre', 'pend2'), PUB);
    writeFileSync(join(pki(), 'master.pub'), PUB);
    wheel = new WheelClient(m.opts, { fireEvent: async (tag, data) => void m.events.push({ tag, data }) });
  });
  afterEach(() => m.cleanup());

  test('list_all and list give the keys by status', async () => {
    assert.deepEqual(await wheel.cmd('key.list_all'), { minions: ['acc1'], minions_pre: ['pend1', 'pend2'], minions_rejected: [], minions_denied: [], local: ['master.pub'] });
    assert.deepEqual(await wheel.cmd('key.list', { match: 'unaccepted' }), { minions_pre: ['pend1', 'pend2'] });
  });

  test('accept moves matching pending keys and fires wheel events', async () => {
    assert.deepEqual(await wheel.cmd('key.accept', { match: 'pend1' }), { minions: ['pend1'] });
    assert.ok(existsSync(join(pki(), 'minions', 'pend1')));
    const tags = m.events.map((e) => e.tag);
    assert.match(tags[0]!, /^salt\/wheel\/\d{20}\/new$/);
    assert.ok(tags.includes('salt/key'));
    assert.match(tags[tags.length - 1]!, /^salt\/wheel\/\d{20}\/ret$/);
    assert.equal(m.events[0]!.data.fun, 'wheel.key.accept');
  });

  test('reject and delete', async () => {
    assert.deepEqual(await wheel.cmd('key.reject', { match: 'pend2' }), { minions_rejected: ['pend2'] });
    assert.deepEqual(await wheel.cmd('key.delete', { match: 'acc1' }), {});
    assert.deepEqual(readdirSync(join(pki(), 'minions')), []);
  });

  test('accept_dict takes a listing', async () => {
    assert.deepEqual(await wheel.cmd('key.accept_dict', { match: { minions_pre: ['pend2'] } }), { minions: ['pend2'] });
  });

  test('finger, print (key_str) and finger_master', async () => {
    const f = pemFinger(PUB, 'sha256');
    assert.deepEqual(await wheel.cmd('key.finger', { match: 'acc1' }), { minions: { acc1: f } });
    assert.deepEqual(await wheel.cmd('key.print', { match: 'acc1' }), { minions: { acc1: PUB } });
    assert.deepEqual(await wheel.cmd('key.key_str', { match: 'acc1' }), { minions: { acc1: PUB } });
    assert.deepEqual(await wheel.cmd('key.finger_master'), { local: { 'master.pub': f } });
    assert.deepEqual(await wheel.cmd('key.master_key_str'), { local: { 'master.pub': PUB } });
  });

  test('gen returns a pair and leaves nothing on disk; gen_accept stores the public key', async () => {
    const before = readdirSync(pki()).sort();
    const pair = (await wheel.cmd('key.gen', { id_: 'tmpkey', keysize: 1024 })) as { priv: string; pub: string };
    assert.match(pair.priv, /-----BEGIN RSA PRIVATE KEY-----/);
    assert.match(pair.pub, /-----BEGIN PUBLIC KEY-----/);
    assert.deepEqual(readdirSync(pki()).sort(), before);
    const acc = (await wheel.cmd('key.gen_accept', { id_: 'new1', keysize: 1024 })) as { pub: string };
    assert.equal(readFileSync(join(pki(), 'minions', 'new1'), 'utf8'), acc.pub);
    assert.deepEqual(await wheel.cmd('key.gen_accept', { id_: 'new1', keysize: 1024 }), {});
    const forced = (await wheel.cmd('key.gen_accept', { id_: 'new1', keysize: 1024, force: true })) as { pub: string };
    assert.equal(readFileSync(join(pki(), 'minions', 'new1'), 'utf8'), forced.pub);
  });

  test('unknown functions and keywords are refused', async () => {
    await assert.rejects(wheel.cmd('key.nope'), { message: "'key.nope' is not available." });
    await assert.rejects(wheel.cmd('key.list_all', { bogus: 1 }), { name: 'SaltInvocationError' });
  });

  test('clean.filename and clean.id sanitize names like Salt', () => {
    assert.equal(cleanFilename('../a b/c$d!.pem'), 'cd.pem');
    assert.equal(cleanId('.web_01.example.com.'), 'web01.example.com');
    assert.throws(() => cleanId('  '), /Empty value during sanitation/);
  });
});
