import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { Loader } from '../loader/loader.js';
import { Scheduler } from '../schedule/scheduler.js';
import type { StateCallContext } from '../state/runner.js';
import mod from './schedule.js';

type Dict = Record<string, unknown>;
const root = mkdtempSync(join(tmpdir(), 'salt-ts-schedstate-'));
after(() => rmSync(root, { recursive: true, force: true }));

function setup(testMode = false) {
  const opts: Dict = { id: 'm1', conf_file: join(root, 'minion'), schedule: {} };
  const scheduler = new Scheduler({ opts });
  const loader = new Loader({ opts, minion: { schedule: scheduler } });
  const ctx = { ...loader.makeContext(), test: testMode } as unknown as StateCallContext;
  const run = (fun: string, name: string, kwargs: Dict = {}) => mod.functions[fun].fn(ctx, [name], kwargs) as Promise<Dict>;
  return { scheduler, run };
}

test('schedule.present adds, then finds the job in its state, then modifies it', async () => {
  const s = setup();
  assert.deepEqual(await s.run('present', 'job1', { function: 'test.ping', seconds: 60 }), {
    name: 'job1', result: true, changes: { job1: 'added' }, comment: 'Adding new job job1 to schedule',
  });
  assert.deepEqual(await s.run('present', 'job1', { function: 'test.ping', seconds: 60 }), { name: 'job1', result: true, changes: {}, comment: 'Job job1 in correct state' });
  const r = await s.run('present', 'job1', { function: 'test.ping', seconds: 30 });
  assert.equal(r.comment, 'Modifying job job1 in schedule');
  assert.deepEqual(Object.keys(r.changes as Dict), ['job1']);
  assert.equal((s.scheduler.list().job1 as Dict).seconds, 30);
});

test('schedule.present in test mode reports without changing', async () => {
  const s = setup(true);
  assert.deepEqual(await s.run('present', 'job1', { function: 'test.ping', seconds: 60 }), { name: 'job1', result: true, changes: {}, comment: 'Job: job1 would be added to schedule.' });
  assert.deepEqual(s.scheduler.list(), {});
});

test('schedule.absent, enabled and disabled', async () => {
  const s = setup();
  await s.run('present', 'job1', { function: 'test.ping', seconds: 60 });
  assert.deepEqual(await s.run('disabled', 'job1'), { name: 'job1', result: true, changes: {}, comment: 'Disabled job job1 from schedule' });
  assert.equal((s.scheduler.list().job1 as Dict).enabled, false);
  assert.deepEqual(await s.run('enabled', 'job1'), { name: 'job1', result: true, changes: {}, comment: 'Enabled job job1 from schedule' });
  assert.deepEqual(await s.run('absent', 'job1'), { name: 'job1', result: true, changes: { job1: 'removed' }, comment: 'Removed job job1 from schedule' });
  assert.deepEqual(await s.run('absent', 'job1'), { name: 'job1', result: true, changes: {}, comment: 'Job job1 not present in schedule' });
  assert.deepEqual(await s.run('enabled', 'job1'), { name: 'job1', result: true, changes: {}, comment: 'Job job1 not present in schedule' });
});
