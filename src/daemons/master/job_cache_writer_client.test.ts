import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MessageChannel, type MessagePort } from 'node:worker_threads';
import { decodeWire } from '../../protocol/payload.js';
import { PyFloat } from '../../protocol/pytypes.js';
import { JobCacheWriterClient, type StoreMessage } from './job_cache_writer_client.js';

const tick = (): Promise<void> => new Promise((r) => setTimeout(r, 20));

/** A channel whose far end stands for the writer thread and records the loads it receives. */
function fakeWriter(): { port1: MessagePort; port2: MessagePort; received: Array<Record<string, unknown>> } {
  const { port1, port2 } = new MessageChannel();
  const received: Array<Record<string, unknown>> = [];
  port2.on('message', (m: StoreMessage) => received.push(decodeWire(Buffer.from(m.body)) as Record<string, unknown>));
  return { port1, port2, received };
}

test('returns cross to the writer packed, Python types intact, and flush waits for their acks', async () => {
  const { port1, port2, received } = fakeWriter();
  const client = new JobCacheWriterClient(port1, async () => assert.fail('no fallback while the writer runs'));
  try {
    await client.add({ id: 'web-1', jid: '20261126000000000001', return: new PyFloat(1) });
    await client.add({ id: 'db-1', jid: '20261126000000000001', return: true });
    assert.equal(client.pending, 2);
    let flushed = false;
    const flush = client.flush().then(() => (flushed = true));
    await tick();
    assert.equal(received.length, 2);
    assert.ok(received[0]!.return instanceof PyFloat, 'a float stays a float');
    assert.equal(flushed, false, 'not flushed before the writer says so');
    port2.postMessage({ stored: 2 });
    await flush;
    assert.equal(client.pending, 0);
  } finally {
    port1.close();
  }
});

test('with maxInFlight returns unwritten, the worker writes the next one itself before replying', async () => {
  const { port1, port2, received } = fakeWriter();
  const direct: unknown[] = [];
  const client = new JobCacheWriterClient(port1, async (load) => direct.push(load.id), 2);
  try {
    await client.add({ id: 'a' });
    await client.add({ id: 'b' });
    await client.add({ id: 'c' });
    assert.deepEqual(direct, ['c'], 'written by the worker, not queued behind the writer');
    port2.postMessage({ stored: 1 });
    await tick();
    await client.add({ id: 'd' });
    await tick();
    assert.deepEqual(received.map((l) => l.id), ['a', 'b', 'd']);
    assert.equal(client.pending, 2);
  } finally {
    port1.close();
  }
});

test('when the writer is gone, flush no longer waits and new returns are stored directly', async () => {
  const { port1, port2 } = new MessageChannel();
  const direct: unknown[] = [];
  const client = new JobCacheWriterClient(port1, async (load) => direct.push(load.id));
  await client.add({ id: 'a' });
  const flushed = client.flush();
  port2.close();
  await flushed;
  await client.add({ id: 'b' });
  assert.deepEqual(direct, ['b']);
});
