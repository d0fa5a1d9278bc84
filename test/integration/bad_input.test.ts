/**
 * Hostile and broken input on the master's request port: the master must log, drop or refuse,
 * keep serving, and never run anything for an unauthenticated sender.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import * as zmq from 'zeromq';
import { TestCluster } from '../support/cluster.js';
import { decodeWire, encodeWire } from '../../src/protocol/payload.js';
import { Crypticle } from '../../src/protocol/crypticle.js';
import { generateKeyPair } from '../../src/protocol/rsa.js';

async function request(port: number, body: Buffer, timeoutMs = 5000): Promise<unknown> {
  const sock = new zmq.Request({ linger: 0, receiveTimeout: timeoutMs });
  sock.connect(`tcp://127.0.0.1:${port}`);
  try {
    await sock.send(body);
    const [reply] = await sock.receive();
    return decodeWire(reply);
  } finally {
    sock.close();
  }
}

describe('master under bad input', () => {
  let cluster: TestCluster;
  let port: number;

  before(async () => {
    cluster = await TestCluster.start({ minions: ['m1'], master: { max_message_size: 1048576 } });
    port = cluster.ports.ret;
  });
  after(async () => {
    await cluster?.stop();
  });

  test('bad msgpack gets the transport-level {"msg": "bad load"}', async () => {
    assert.deepEqual(await request(port, Buffer.from([0xc1, 0x01, 0x02])), { msg: 'bad load' });
  });

  test('a msgpack value that is not an envelope gets "bad load"', async () => {
    assert.equal(await request(port, encodeWire([1, 2, 3])), 'bad load');
    assert.equal(await request(port, encodeWire({ enc: 'clear' })), 'bad load');
  });

  test('an AES request encrypted with a wrong key gets "bad load" (protocol 2 and 3)', async () => {
    const blob = new Crypticle(Crypticle.generateKeyString()).dumps({ cmd: '_return', id: 'm1', jid: '20250101000000000000', return: true });
    assert.equal(await request(port, encodeWire({ enc: 'aes', load: blob, version: 2 })), 'bad load');
    assert.equal(await request(port, encodeWire({ enc: 'aes', load: blob, version: 3, id: 'm1' })), 'bad load');
    assert.equal(await request(port, encodeWire({ enc: 'aes', load: Buffer.from('garbage'), version: 3, id: '../../etc' })), 'bad load');
  });

  test('unknown clear commands are refused with {} and minion commands are not accepted in the clear', async () => {
    assert.deepEqual(await request(port, encodeWire({ enc: 'clear', load: { cmd: 'runner_or_whatever' }, version: 3 })), {});
    assert.deepEqual(await request(port, encodeWire({ enc: 'clear', load: { cmd: '_return', id: 'm1', jid: '20250101000000000000', return: 'forged' }, version: 3 })), {});
    assert.deepEqual(await request(port, encodeWire({ enc: 'clear', load: { cmd: '_pillar', id: 'm1', grains: {} }, version: 3 })), {});
  });

  test('an _auth with a traversal id is refused and writes nothing outside pki_dir', async () => {
    const { publicPem } = generateKeyPair(2048);
    const reply = (await request(port, encodeWire({ enc: 'clear', load: { cmd: '_auth', id: '../evil', nonce: '0'.repeat(32), pub: publicPem }, version: 3 }))) as Record<string, unknown>;
    assert.equal(reply.enc, 'clear');
    assert.deepEqual(decodeWire(reply.load as Buffer), { ret: false, nonce: '0'.repeat(32) });
    const pki = join(cluster.root, 'master', 'etc', 'salt', 'pki', 'master');
    assert.equal(existsSync(join(pki, 'evil')), false);
    assert.equal(existsSync(join(pki, '..', 'evil')), false);
    for (const d of ['minions', 'minions_pre', 'minions_rejected', 'minions_denied']) assert.ok(!readdirSync(join(pki, d)).some((f) => f.includes('evil')));
  });

  test('a publish without the root key is refused and runs nothing on any minion', async () => {
    const marker = join(cluster.root, 'should-not-exist');
    const load = { cmd: 'publish', tgt: '*', fun: 'cmd.run', arg: [`touch ${marker}`], tgt_type: 'glob', ret: '', jid: '', key: 'not-the-key', user: 'root', kwargs: {} };
    assert.deepEqual(await request(port, encodeWire({ enc: 'clear', load, version: 3 })), { error: { name: 'AuthenticationError', message: 'Authentication error occurred.' } });
    const noKey = { ...load, key: '' };
    assert.deepEqual(await request(port, encodeWire({ enc: 'clear', load: noKey, version: 3 })), { error: { name: 'AuthenticationError', message: 'Authentication error occurred.' } });
    await new Promise((r) => setTimeout(r, 1500));
    assert.equal(existsSync(marker), false);
  });

  test('junk multipart frames and an oversized frame do not take the master down', async () => {
    const dealer = new zmq.Dealer({ linger: 0 });
    dealer.connect(`tcp://127.0.0.1:${port}`);
    await dealer.send([Buffer.from('no delimiter'), Buffer.from('x'), Buffer.from('y')]);
    await dealer.send(Buffer.alloc(2 * 1048576, 0x41));
    dealer.close();
    await new Promise((r) => setTimeout(r, 300));
    assert.deepEqual(await request(port, encodeWire({ enc: 'clear', load: { cmd: 'ping', x: 1 }, version: 3 })), { cmd: 'ping', x: 1 });
  });

  test('after all of it the master still serves the minion', async () => {
    const r = await cluster.cli('salt', ['*', 'test.ping', '--out', 'json']);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout), { m1: true });
    assert.match(cluster.logs.get('master') ?? '', /Authentication failure of type "user"/);
  });
});
