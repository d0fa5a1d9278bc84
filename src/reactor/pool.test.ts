import { test } from 'node:test';
import assert from 'node:assert/strict';
import { WorkPool } from './pool.js';

function gate(): { wait: Promise<void>; open: () => void } {
  let open!: () => void;
  const wait = new Promise<void>((r) => (open = r));
  return { wait, open };
}

test('WorkPool runs at most `concurrency` tasks at once and the rest in order', async () => {
  const pool = new WorkPool({ concurrency: 2, hwm: 10 });
  const g = gate();
  let active = 0;
  let peak = 0;
  const order: number[] = [];
  for (let i = 0; i < 5; i++) {
    assert.equal(
      pool.submit(async () => {
        active++;
        peak = Math.max(peak, active);
        await g.wait;
        order.push(i);
        active--;
      }),
      true,
    );
  }
  assert.deepEqual({ running: pool.stats.running, queued: pool.stats.queued }, { running: 2, queued: 3 });
  g.open();
  await pool.idle();
  assert.equal(peak, 2);
  assert.deepEqual(order, [0, 1, 2, 3, 4]);
  assert.equal(pool.stats.completed, 5);
});

test('WorkPool drops and counts tasks beyond hwm waiting ones, and logs the first drop', async () => {
  const errors: string[] = [];
  const log = { error: (m: string) => void errors.push(m) } as never;
  const pool = new WorkPool({ concurrency: 1, hwm: 2, log });
  const g = gate();
  const results = [0, 1, 2, 3, 4].map(() => pool.submit(() => g.wait));
  assert.deepEqual(results, [true, true, true, false, false]);
  assert.equal(pool.stats.dropped, 2);
  assert.equal(errors.length, 1);
  assert.match(errors[0]!, /queue is full \(2 waiting\): 1 task\(s\) dropped/);
  g.open();
  await pool.idle();
  assert.equal(pool.stats.completed, 3);
});

test('WorkPool counts and logs a failing task and keeps going', async () => {
  const errors: string[] = [];
  const pool = new WorkPool({ concurrency: 1, log: { error: (m: string) => void errors.push(m) } as never });
  pool.submit(async () => {
    throw new Error('boom');
  });
  let ran = false;
  pool.submit(async () => void (ran = true));
  await pool.idle();
  assert.equal(ran, true);
  assert.equal(pool.stats.failed, 1);
  assert.match(errors[0]!, /boom/);
});

test('WorkPool refuses bad sizes and new tasks after close', async () => {
  assert.throws(() => new WorkPool({ concurrency: 0 }), /at least 1 worker: got 0/);
  assert.throws(() => new WorkPool({ hwm: -1 }), /0 or more: got -1/);
  const pool = new WorkPool();
  await pool.close();
  assert.equal(pool.submit(async () => undefined), false);
});
