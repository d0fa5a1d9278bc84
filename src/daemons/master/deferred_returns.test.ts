import assert from 'node:assert/strict';
import { test } from 'node:test';
import { setImmediate as nextTurn, setTimeout as sleep } from 'node:timers/promises';
import { DeferredReturns } from './deferred_returns.js';

type Load = Record<string, unknown>;

test('returns are written after the current turn, in order, a batch per turn', async () => {
  const written: unknown[] = [];
  const q = new DeferredReturns({ store: async (l) => void written.push(l.id), onError: () => assert.fail('no error expected'), batch: 2, quietMs: 0 });
  for (let i = 0; i < 5; i++) await q.add({ id: i });
  assert.deepEqual(written, [], 'nothing is written while the caller still runs');
  assert.equal(q.pending, 5);
  await nextTurn();
  await nextTurn();
  assert.ok(written.length >= 2 && written.length < 5, `one batch per turn, got ${written.length}`);
  await q.flush();
  assert.deepEqual(written, [0, 1, 2, 3, 4]);
  assert.equal(q.pending, 0);
});

test('a full queue writes the new return before add resolves (back-pressure)', async () => {
  const written: unknown[] = [];
  const q = new DeferredReturns({ store: async (l) => void written.push(l.id), onError: () => {}, maxPending: 2 });
  await q.add({ id: 'a' });
  await q.add({ id: 'b' });
  await q.add({ id: 'c' });
  assert.deepEqual(written, ['c'], 'the third return is written at once');
  await q.flush();
  assert.deepEqual(written.sort(), ['a', 'b', 'c']);
});

test('a failing store is reported and the queue goes on', async () => {
  const errors: string[] = [];
  const written: unknown[] = [];
  const q = new DeferredReturns({
    store: async (l: Load) => {
      if (l.id === 'bad') throw new Error('disk full');
      written.push(l.id);
    },
    onError: (l, err) => errors.push(`${String(l.id)}: ${err.message}`),
  });
  await q.add({ id: 'bad' });
  await q.add({ id: 'good' });
  await q.flush();
  assert.deepEqual(errors, ['bad: disk full']);
  assert.deepEqual(written, ['good']);
});

test('flush waits for a batch already running and for returns added meanwhile', async () => {
  const written: unknown[] = [];
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  const q = new DeferredReturns({
    store: async (l) => {
      if (l.id === 0) await gate;
      written.push(l.id);
    },
    onError: () => {},
    batch: 1,
    quietMs: 0,
  });
  await q.add({ id: 0 });
  await nextTurn(); // the first batch starts and blocks on the gate
  await q.add({ id: 1 });
  const flushed = q.flush();
  release();
  await flushed;
  assert.deepEqual(written, [0, 1]);
});

test('writes wait until returns stop arriving for quietMs, or until highWater of them wait', async () => {
  const written: unknown[] = [];
  // A long quiet period, so that a loaded machine's slow timers cannot fake a pause.
  const q = new DeferredReturns({ store: async (l) => void written.push(l.id), onError: () => {}, quietMs: 400, highWater: 10 });
  for (let i = 0; i < 5; i++) {
    await q.add({ id: i });
    await sleep(10);
  }
  assert.deepEqual(written, [], 'returns kept coming: nothing written yet');
  await sleep(900);
  assert.deepEqual(written, [0, 1, 2, 3, 4], 'written once the returns stopped');
  for (let i = 5; i < 20; i++) await q.add({ id: i });
  await nextTurn();
  await nextTurn();
  assert.ok(written.length > 5, 'past highWater the writes start at once');
  await q.flush();
  assert.equal(written.length, 20);
});
