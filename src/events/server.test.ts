import { test } from 'node:test';
import assert from 'node:assert/strict';
import { statSync, existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { EventBusServer } from './server.js';
import { EventClient, fireMasterEvent } from './client.js';
import { packEvent, type SaltEvent } from './event.js';
import { packFrame } from './framing.js';
import { EventBusListenError } from './errors.js';
import { minionBusHash } from './addresses.js';
import { tempSockDir, rawConnect, until, delay } from './_test_helpers.js';
import { packBin } from '../protocol/binpack.js';

async function withBus(
  opts: Partial<ConstructorParameters<typeof EventBusServer>[0]>,
  fn: (bus: EventBusServer, dir: string) => Promise<void>,
): Promise<void> {
  const { dir, cleanup } = tempSockDir();
  const bus = new EventBusServer({ sockDir: dir, ...opts });
  await bus.start();
  try {
    await fn(bus, dir);
  } finally {
    await bus.close();
    cleanup();
  }
}

test('the bus creates master_event_pub.ipc and master_event_pull.ipc with mode 0600 and removes them on close', async () => {
  const { dir, cleanup } = tempSockDir();
  const bus = new EventBusServer({ sockDir: dir });
  await bus.start();
  for (const name of ['master_event_pub.ipc', 'master_event_pull.ipc']) {
    const st = statSync(join(dir, name));
    assert.ok(st.isSocket(), name);
    assert.equal(st.mode & 0o777, 0o600, name);
  }
  await bus.close();
  assert.ok(!existsSync(join(dir, 'master_event_pub.ipc')));
  assert.ok(!existsSync(join(dir, 'master_event_pull.ipc')));
  cleanup();
});

test('an event fired into the pull socket reaches a subscriber, stamped, with prefix filtering', async () => {
  await withBus({}, async (_bus, dir) => {
    const client = new EventClient({ sockDir: dir });
    await client.connectPub();
    client.subscribe('salt/job/1');
    await fireMasterEvent(dir, 'salt/key', { id: 'x' });
    await fireMasterEvent(dir, 'salt/job/1/ret/m1', { id: 'm1', return: true });
    const ev = await client.getEvent({ tag: 'salt/job/1', timeout: 2000 });
    assert.ok(ev);
    assert.equal(ev.tag, 'salt/job/1/ret/m1');
    assert.equal(ev.data.return, true);
    assert.match(String(ev.data._stamp), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{6})?$/);
    assert.equal(await client.getEvent({ tag: 'salt/key', timeout: 50 }), null, 'salt/key was not subscribed, so not kept');
    await client.close();
  });
});

test('a subscriber receives the exact frame bytes a publisher sent (9.1 example)', async () => {
  await withBus({}, async (bus) => {
    const sub = await rawConnect(bus.pub);
    const chunks: Buffer[] = [];
    sub.on('data', (c: Buffer) => chunks.push(c));
    await until(() => bus.stats.subscribers === 1);
    const body = packEvent('salt/job/20250101000000000000/new', { jid: '20250101000000000000', minions: ['m1'] });
    const frame = packFrame(body);
    const pub = await rawConnect(bus.pull);
    pub.write(frame);
    await until(() => Buffer.concat(chunks).length >= frame.length);
    assert.equal(Buffer.concat(chunks).toString('hex'), '82a46865616480a4626f6479c449' + body.toString('hex'));
    pub.destroy();
    sub.destroy();
  });
});

test('many frames written in one chunk all arrive in order', async () => {
  await withBus({}, async (bus, dir) => {
    const client = new EventClient({ sockDir: dir });
    await client.connectPub();
    const got: SaltEvent[] = [];
    client.on('event', (ev: SaltEvent) => got.push(ev));
    const pub = await rawConnect(bus.pull);
    pub.write(Buffer.concat(Array.from({ length: 300 }, (_, i) => packFrame(packEvent(`bulk/${i}`, { i })))));
    await until(() => got.length === 300, 3000, '300 events');
    assert.deepEqual(
      got.map((e) => e.data.i),
      Array.from({ length: 300 }, (_, i) => i),
    );
    pub.destroy();
    await client.close();
  });
});

test('a frame split across several writes is reassembled', async () => {
  await withBus({}, async (bus, dir) => {
    const client = new EventClient({ sockDir: dir });
    await client.connectPub();
    client.subscribe('split');
    const frame = packFrame(packEvent('split/one', { payload: 'p'.repeat(5000) }));
    const pub = await rawConnect(bus.pull);
    for (const [a, b] of [[0, 5], [5, 14], [14, 2000], [2000, frame.length]] as const) {
      pub.write(frame.subarray(a, b));
      await delay(10);
    }
    const ev = await client.getEvent({ tag: 'split', timeout: 2000 });
    assert.equal(ev?.data.payload, 'p'.repeat(5000));
    pub.destroy();
    await client.close();
  });
});

test('a publisher sending garbage is disconnected and the bus keeps working', async () => {
  const warnings: string[] = [];
  const logger = { debug() {}, info() {}, warn: (m: string) => warnings.push(m), error: (m: string) => warnings.push(m) };
  await withBus({ logger }, async (bus, dir) => {
    const client = new EventClient({ sockDir: dir });
    await client.connectPub();
    client.subscribe('after');
    const bad = await rawConnect(bus.pull);
    const closed = new Promise<void>((r) => bad.once('close', () => r()));
    bad.on('error', () => {});
    bad.write(Buffer.from([0xc1, 0xff, 0x00, 0x13]));
    await closed;
    const notAMap = await rawConnect(bus.pull);
    const closed2 = new Promise<void>((r) => notAMap.once('close', () => r()));
    notAMap.on('error', () => {});
    notAMap.write(packBin([1, 2, 3]));
    await closed2;
    assert.equal(bus.stats.badPublishers, 2);
    assert.ok(warnings.some((w) => /invalid/.test(w)));
    await fireMasterEvent(dir, 'after/garbage', { ok: 1 });
    const ev = await client.getEvent({ tag: 'after', timeout: 2000 });
    assert.equal(ev?.data.ok, 1);
    await client.close();
  });
});

test('a subscriber that does not read loses events instead of blocking the bus', async () => {
  await withBus({ maxSubscriberBuffer: 64 * 1024 }, async (bus, dir) => {
    const slow = await rawConnect(bus.pub);
    slow.pause();
    const client = new EventClient({ sockDir: dir });
    await client.connectPub();
    let received = 0;
    client.on('event', () => received++);
    await until(() => bus.stats.subscribers === 2);
    const blob = 'b'.repeat(20000);
    for (let i = 0; i < 300; i++) {
      bus.fireLocal(`flood/${i}`, { blob });
      // Let the reading subscriber keep up; the slow one never reads.
      if (i % 2 === 1) await until(() => received >= i - 1, 3000, 'the reader to catch up');
    }
    await until(() => received === 300, 5000, 'the reading subscriber to get every event');
    assert.ok(bus.stats.dropped > 0, 'frames to the slow subscriber were dropped');
    assert.equal(bus.stats.published, 300);
    slow.destroy();
    await client.close();
  });
});

test('fireLocal stamps the event and in-process listeners see every event; a failing listener is contained', async () => {
  await withBus({}, async (bus, dir) => {
    const seen: SaltEvent[] = [];
    bus.on(() => {
      throw new Error('listener bug');
    });
    const off = bus.on((ev) => seen.push(ev));
    const client = new EventClient({ sockDir: dir });
    await client.connectPub();
    client.subscribe('salt/');
    bus.fireLocal('salt/auth', { result: true, act: 'accept', id: 'm1', pub: 'KEY' });
    const ev = await client.getEvent({ timeout: 2000 });
    assert.equal(ev?.tag, 'salt/auth');
    assert.deepEqual(Object.keys(ev!.data), ['result', 'act', 'id', 'pub', '_stamp']);
    await fireMasterEvent(dir, 'salt/key', { act: 'delete', id: 'm1' });
    await until(() => seen.length === 2);
    assert.deepEqual(
      seen.map((e) => e.tag),
      ['salt/auth', 'salt/key'],
    );
    assert.equal(seen[1]!.data.act, 'delete');
    off();
    bus.fireLocal('salt/x', {});
    await delay(20);
    assert.equal(seen.length, 2);
    await client.close();
  });
});

test('a stale socket file is replaced, a live bus is not', async () => {
  const { dir, cleanup } = tempSockDir();
  const first = new EventBusServer({ sockDir: dir });
  await first.start();
  const second = new EventBusServer({ sockDir: dir });
  await assert.rejects(second.start(), EventBusListenError);
  await first.close();
  // Leave a dead socket file behind, as a crashed master would: a process that dies while listening.
  const path = join(dir, 'master_event_pub.ipc');
  const { spawnSync } = await import('node:child_process');
  spawnSync(process.execPath, ['-e', `require('net').createServer().listen(${JSON.stringify(path)}, () => process.kill(process.pid, 'SIGKILL'))`]);
  assert.ok(statSync(path).isSocket(), 'a stale socket file is there');
  const third = new EventBusServer({ sockDir: dir });
  await third.start();
  await third.close();
  cleanup();
});

test('a regular file where a socket should be is left alone', async () => {
  const { dir, cleanup } = tempSockDir();
  writeFileSync(join(dir, 'master_event_pub.ipc'), 'not a socket');
  const bus = new EventBusServer({ sockDir: dir });
  await assert.rejects(bus.start(), /not a socket/);
  await bus.close();
  cleanup();
});

test('a minion bus listens on minion_event_<hash>_pub.ipc / _pull.ipc', async () => {
  await withBus({ role: 'minion', id: 'web1' }, async (bus, dir) => {
    const h = minionBusHash('web1');
    assert.ok(statSync(join(dir, `minion_event_${h}_pub.ipc`)).isSocket());
    const client = new EventClient({ sockDir: dir, role: 'minion', id: 'web1' });
    await client.connectPub();
    client.subscribe('module_refresh');
    await client.fire('module_refresh', {});
    assert.equal((await client.getEvent({ timeout: 2000 }))?.tag, 'module_refresh');
    assert.equal(bus.stats.published, 1);
    await client.close();
  });
});

test('ipc_mode tcp serves the same protocol on loopback ports', async () => {
  await withBus({ ipcMode: 'tcp', tcpPubPort: 0, tcpPullPort: 0 }, async (bus, dir) => {
    assert.ok('port' in bus.pub && bus.pub.port > 0);
    const ports = { tcpPubPort: (bus.pub as { port: number }).port, tcpPullPort: (bus.pull as { port: number }).port };
    const client = new EventClient({ sockDir: dir, ipcMode: 'tcp', ...ports });
    await client.connectPub();
    client.subscribe('tcp');
    await fireMasterEvent(dir, 'tcp/works', { a: 1 }, { ipcMode: 'tcp', ...ports });
    assert.equal((await client.getEvent({ timeout: 2000 }))?.tag, 'tcp/works');
    await client.close();
  });
});
