import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EventBusServer } from './server.js';
import { EventClient, fireMasterEvent } from './client.js';
import { EventBusConnectError, EventBusDisconnectedError, InvalidEventError } from './errors.js';
import { tempSockDir, delay } from './_test_helpers.js';

async function withBusAndClient(fn: (bus: EventBusServer, client: EventClient, dir: string) => Promise<void>): Promise<void> {
  const { dir, cleanup } = tempSockDir();
  const bus = new EventBusServer({ sockDir: dir });
  await bus.start();
  const client = new EventClient({ sockDir: dir });
  await client.connectPub();
  try {
    await fn(bus, client, dir);
  } finally {
    await client.close();
    await bus.close();
    cleanup();
  }
}

test('connectPub and fire fail with EventBusConnectError when no bus is running', async () => {
  const { dir, cleanup } = tempSockDir();
  const client = new EventClient({ sockDir: dir });
  await assert.rejects(client.connectPub(500), (e: Error) => e instanceof EventBusConnectError && /does not exist/.test(e.message));
  await assert.rejects(fireMasterEvent(dir, 'a', {}), EventBusConnectError);
  await client.close();
  cleanup();
});

test('getEvent resolves null after its timeout', async () => {
  await withBusAndClient(async (_bus, client) => {
    const t0 = Date.now();
    assert.equal(await client.getEvent({ tag: 'never', timeout: 60 }), null);
    assert.ok(Date.now() - t0 >= 55);
  });
});

test('getEvent waits for the next matching event and skips others', async () => {
  await withBusAndClient(async (bus, client) => {
    const waiting = client.getEvent({ tag: 'salt/job/7/', timeout: 2000 });
    bus.fireLocal('salt/job/77/ret/m', { return: 1 });
    bus.fireLocal('salt/job/7/ret/m', { return: 2 });
    assert.equal((await waiting)?.data.return, 2);
  });
});

test('subscribe() iterates over matching events and unsubscribes when the loop ends', async () => {
  await withBusAndClient(async (bus, client) => {
    const it = client.subscribe('it/');
    for (let i = 0; i < 3; i++) bus.fireLocal(`it/${i}`, { i });
    bus.fireLocal('other', {});
    const seen: unknown[] = [];
    for await (const ev of it) {
      seen.push(ev.data.i);
      if (seen.length === 3) break;
    }
    assert.deepEqual(seen, [0, 1, 2]);
    bus.fireLocal('it/late', {});
    await delay(30);
    assert.equal(await client.getEvent({ tag: 'it/', timeout: 50 }), null, 'no longer kept after the loop ended');
  });
});

test("return() ends a loop still waiting in next(), from outside, and leaves no listener behind", async () => {
  await withBusAndClient(async (bus, client) => {
    const it = client.subscribe('wait/');
    const seen: unknown[] = [];
    const loop = (async () => {
      for await (const ev of it) seen.push(ev.tag);
      return 'ended';
    })();
    bus.fireLocal('wait/1', {});
    await delay(30);
    const ended = await Promise.race([it.return!().then(() => loop), delay(2000).then(() => 'still waiting')]);
    assert.equal(ended, 'ended');
    assert.deepEqual(seen, ['wait/1']);
    // Many next() calls on one subscription must not pile up abort listeners (Node warns past 10).
    const warnings: string[] = [];
    const onWarning = (w: Error): void => void warnings.push(w.name);
    process.on('warning', onWarning);
    const many = client.subscribe('many/');
    for (let i = 0; i < 30; i++) {
      bus.fireLocal(`many/${i}`, {});
      await many.next();
    }
    await many.return!();
    await delay(20);
    process.off('warning', onWarning);
    assert.deepEqual(warnings.filter((n) => n === 'MaxListenersExceededWarning'), []);
  });
});

test('waitForJobReturns collects every expected minion, ignores a second return, and ends early', async () => {
  await withBusAndClient(async (bus, client) => {
    const jid = '20250101000000000001';
    client.subscribe(`salt/job/${jid}/`);
    bus.fireLocal(`salt/job/${jid}/ret/m1`, { id: 'm1', jid, return: true, retcode: 0 });
    bus.fireLocal(`salt/job/${jid}/ret/m1`, { id: 'm1', jid, return: 'again', retcode: 0 });
    setTimeout(() => bus.fireLocal(`salt/job/${jid}/ret/m2`, { id: 'm2', jid, return: 'ok', retcode: 0 }), 20);
    const t0 = Date.now();
    const res = await client.waitForJobReturns(jid, { minions: ['m1', 'm2'], timeout: 3000 });
    assert.ok(Date.now() - t0 < 1000, 'did not wait for the timeout');
    assert.deepEqual([...res.returns.keys()], ['m1', 'm2']);
    assert.equal(res.returns.get('m1')!.return, true);
    assert.deepEqual(res.missing, []);
  });
});

test('waitForJobReturns reports minions that did not return before the timeout', async () => {
  await withBusAndClient(async (bus, client) => {
    const jid = '20250101000000000002';
    client.subscribe(`salt/job/${jid}/`);
    bus.fireLocal(`salt/job/${jid}/ret/b`, { id: 'b', jid, return: 1 });
    const res = await client.waitForJobReturns(jid, { minions: ['c', 'b', 'a'], timeout: 100 });
    assert.deepEqual([...res.returns.keys()], ['b']);
    assert.deepEqual(res.missing, ['a', 'c']);
  });
});

test('a job event carrying "minions" extends the expected set', async () => {
  await withBusAndClient(async (bus, client) => {
    const jid = '20250101000000000003';
    client.subscribe(`salt/job/${jid}/`);
    bus.fireLocal(`salt/job/${jid}/new`, { jid, minions: ['m1', 'm2'], missing: [] });
    bus.fireLocal(`salt/job/${jid}/ret/m1`, { id: 'm1', jid, return: true });
    const res = await client.waitForJobReturns(jid, { timeout: 150 });
    assert.deepEqual([...res.returns.keys()], ['m1']);
    assert.deepEqual(res.missing, ['m2']);
  });
});

test('jobReturns yields each return as it arrives', async () => {
  await withBusAndClient(async (bus, client) => {
    const jid = '20250101000000000004';
    const ids: string[] = [];
    const gen = client.jobReturns(jid, { minions: ['x', 'y'], timeout: 2000 });
    setTimeout(() => {
      bus.fireLocal(`salt/job/${jid}/ret/y`, { id: 'y', jid, return: 1 });
      bus.fireLocal(`salt/job/${jid}/ret/x`, { id: 'x', jid, return: 2 });
    }, 10);
    for await (const r of gen) ids.push(r.id);
    assert.deepEqual(ids, ['y', 'x']);
  });
});

test('a wait ends with EventBusDisconnectedError when the bus goes away', async () => {
  const { dir, cleanup } = tempSockDir();
  const bus = new EventBusServer({ sockDir: dir });
  await bus.start();
  const client = new EventClient({ sockDir: dir });
  await client.connectPub();
  let disconnected = false;
  client.on('disconnect', () => (disconnected = true));
  const waiting = client.getEvent({ tag: 'x', timeout: 5000 });
  await bus.close();
  await assert.rejects(waiting, EventBusDisconnectedError);
  assert.ok(disconnected);
  assert.equal(client.connected, false);
  await client.close();
  cleanup();
});

test('fire reuses one pull connection and rejects invalid events before sending', async () => {
  await withBusAndClient(async (bus, client) => {
    client.subscribe('multi/');
    await client.fire('multi/1', { n: 1 });
    await client.fire('multi/2', { n: 2 });
    assert.equal(bus.stats.publishers, 1);
    assert.equal((await client.getEvent({ timeout: 2000 }))?.data.n, 1);
    assert.equal((await client.getEvent({ timeout: 2000 }))?.data.n, 2);
    await assert.rejects(client.fire('', {}), InvalidEventError);
    await assert.rejects(client.fire('x', 'nope' as never), InvalidEventError);
  });
});

test('fired data larger than max_event_size arrives trimmed', async () => {
  const { dir, cleanup } = tempSockDir();
  const bus = new EventBusServer({ sockDir: dir });
  await bus.start();
  const client = new EventClient({ sockDir: dir, maxEventSize: 2048 });
  await client.connectPub();
  client.subscribe('big');
  await client.fire('big', { small: 'ok', huge: 'h'.repeat(10000) });
  const ev = await client.getEvent({ timeout: 2000 });
  assert.equal(ev?.data.small, 'ok');
  assert.equal(ev?.data.huge, 'VALUE_TRIMMED');
  await client.close();
  await bus.close();
  cleanup();
});

test('kept events beyond maxPending drop the oldest', async () => {
  const { dir, cleanup } = tempSockDir();
  const bus = new EventBusServer({ sockDir: dir });
  await bus.start();
  const client = new EventClient({ sockDir: dir, maxPending: 3 });
  await client.connectPub();
  client.subscribe('p/');
  for (let i = 0; i < 5; i++) bus.fireLocal(`p/${i}`, { i });
  await delay(50);
  const got = [];
  for (let i = 0; i < 3; i++) got.push((await client.getEvent({ timeout: 100 }))?.data.i);
  assert.deepEqual(got, [2, 3, 4]);
  await client.close();
  await bus.close();
  cleanup();
});
