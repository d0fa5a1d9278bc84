import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { Loader } from '../loader/loader.js';
import { Scheduler } from '../schedule/scheduler.js';

const root = mkdtempSync(join(tmpdir(), 'salt-ts-schedmod-'));
after(() => rmSync(root, { recursive: true, force: true }));
let n = 0;

type Dict = Record<string, unknown>;

/** A loader whose calls see a live scheduler (like the minion daemon). */
function setup(schedule: Dict = {}, pillar: Dict = {}) {
  const conf = join(root, `c${n++}`);
  const opts: Dict = { id: 'm1', conf_file: join(conf, 'minion'), schedule };
  const scheduler = new Scheduler({ opts, pillar, clock: () => new Date(2030, 0, 1, 12, 0, 0) });
  const loader = new Loader({ opts, pillar, minion: { schedule: scheduler } });
  const call = (fun: string, args: unknown[] = [], kwargs: Dict = {}) => loader.call(fun, args, kwargs);
  return { opts, scheduler, call, file: join(conf, 'minion.d', '_schedule.conf') };
}

test('schedule.list prints Salt\'s YAML, with saved flags, hiding __ jobs and internal keys', async () => {
  const s = setup({ job1: { function: 'test.ping', seconds: 60, foo: 'x', returner: null, jid_include: 'true' }, __mine_interval: { function: 'mine.update', minutes: 60 } });
  assert.equal(await s.call('schedule.list'), 'schedule:\n  job1:\n    enabled: true\n    function: test.ping\n    jid_include: true\n    saved: false\n    seconds: 60\n');
  assert.match(String(await s.call('schedule.list', [], { show_all: true })), /__mine_interval:/);
  assert.equal(await setup().call('schedule.list'), 'schedule: {}\n');
  assert.deepEqual(await s.call('schedule.list', [], { return_yaml: false }), { job1: { function: 'test.ping', seconds: 60, jid_include: true, enabled: true } });
});

test('schedule.add builds the job, persists it and reports the change', async () => {
  const s = setup();
  assert.deepEqual(await s.call('schedule.add', ['job1'], { function: 'test.ping', seconds: 3600 }), { comment: 'Added job: job1 to schedule.', result: true, changes: { job1: 'added' } });
  assert.equal(
    readFileSync(s.file, 'utf8'),
    'schedule:\n  job1:\n    enabled: true\n    function: test.ping\n    jid_include: true\n    maxrunning: 1\n    name: job1\n    seconds: 3600\n',
  );
  assert.equal(
    await s.call('schedule.list'),
    'schedule:\n  job1:\n    enabled: true\n    function: test.ping\n    jid_include: true\n    maxrunning: 1\n    name: job1\n    saved: true\n    seconds: 3600\n',
  );
  assert.deepEqual(await s.call('schedule.add', ['job1'], { function: 'test.ping', seconds: 1 }), { comment: 'Job job1 already exists in schedule.', result: false, changes: {} });
  assert.deepEqual(await s.call('schedule.add', ['job2'], { function: 'test.ping', seconds: 1, cron: '* * * * *' }), {
    comment: 'Error: Unable to use "seconds", "minutes", "hours", or "days" with "when" or "cron" options.',
    result: false,
    changes: {},
  });
  assert.deepEqual(await s.call('schedule.add', ['job3'], { function: 'test.ping', job_args: 'x', seconds: 1 }), { comment: 'job_args is not a list. please correct and try again.', result: false });
  assert.deepEqual(await s.call('schedule.add', ['job4'], { function: 'test.ping', seconds: 1, test: true }), { comment: 'Job: job4 would be added to schedule.', result: true, changes: {} });
});

test('schedule.modify reports old and new, or that the job is in its state', async () => {
  const s = setup();
  await s.call('schedule.add', ['job1'], { function: 'test.ping', seconds: 3600 });
  assert.deepEqual(await s.call('schedule.modify', ['job1'], { seconds: 3600 }), { comment: 'Job job1 in correct state', changes: {}, result: true });
  const r = (await s.call('schedule.modify', ['job1'], { seconds: 60 })) as Dict;
  assert.equal(r.comment, 'Modified job: job1 in schedule.');
  assert.deepEqual((r.changes as Dict).job1, {
    old: { function: 'test.ping', seconds: 3600, maxrunning: 1, name: 'job1', enabled: true, jid_include: true },
    new: { function: 'test.ping', seconds: 60, maxrunning: 1, name: 'job1', enabled: true, jid_include: true },
  });
  assert.equal((s.scheduler.list().job1 as Dict).seconds, 60);
  assert.deepEqual(await s.call('schedule.modify', ['nope'], { seconds: 1 }), { comment: 'Job nope does not exist in schedule.', changes: {}, result: false });
});

test('schedule.enable_job/disable_job/enable/disable/is_enabled', async () => {
  const s = setup({ job1: { function: 'test.ping', seconds: 5 } });
  assert.deepEqual(await s.call('schedule.disable_job', ['job1']), { comment: 'Disabled Job job1 in schedule.', result: true, changes: { job1: 'disabled' } });
  assert.deepEqual(await s.call('schedule.is_enabled', ['job1']), { function: 'test.ping', seconds: 5, enabled: false });
  assert.deepEqual(await s.call('schedule.enable_job', ['job1']), { comment: 'Enabled Job job1 in schedule.', result: true, changes: { job1: 'enabled' } });
  assert.deepEqual(await s.call('schedule.enable_job', ['nope']), { comment: 'Job nope does not exist.', result: false, changes: {} });
  assert.deepEqual(await s.call('schedule.disable'), { comment: 'Disabled schedule on minion.', changes: { schedule: 'disabled' }, result: true });
  assert.equal(await s.call('schedule.is_enabled'), false);
  assert.match(String(await s.call('schedule.list')), /^schedule:\n  enabled: false\n/);
  assert.deepEqual(await s.call('schedule.enable'), { comment: 'Enabled schedule on minion.', changes: { schedule: 'enabled' }, result: true });
  assert.equal(await s.call('schedule.is_enabled'), true);
});

test('schedule.delete, purge and pillar jobs', async () => {
  const s = setup({ a: { function: 'test.ping', seconds: 5 }, b: { function: 'test.ping', seconds: 5 }, __mine_interval: { function: 'mine.update', minutes: 60 } }, { schedule: { p: { function: 'test.ping', seconds: 5 } } });
  assert.deepEqual(await s.call('schedule.delete', ['a']), { comment: 'Deleted Job a from schedule.', result: true, changes: { a: 'removed' } });
  assert.deepEqual(await s.call('schedule.delete', ['zz']), { comment: 'Job zz does not exist.', result: false, changes: {} });
  assert.deepEqual(await s.call('schedule.delete', ['p']), { comment: 'Failed to delete job p from schedule.', result: false, changes: {} });
  const purged = (await s.call('schedule.purge')) as Dict;
  assert.deepEqual(purged.changes, { b: 'removed' });
  assert.deepEqual(Object.keys(s.scheduler.list('opts')), ['__mine_interval']);
});

test('schedule.run_job starts the job; show_next_fire_time and save', async () => {
  const ran: string[] = [];
  const opts: Dict = { id: 'm1', conf_file: join(root, 'rj', 'minion'), schedule: { job1: { function: 'test.ping', seconds: 5 }, off: { function: 'test.ping', seconds: 5, enabled: false } } };
  const scheduler = new Scheduler({ opts, clock: () => new Date(2030, 0, 1, 12, 0, 0), run: async (fun) => (ran.push(fun), { return: true }) });
  const loader = new Loader({ opts, minion: { schedule: scheduler } });
  assert.deepEqual(await loader.call('schedule.run_job', ['job1']), { comment: 'Scheduling Job job1 on minion.', result: true });
  await new Promise((r) => setImmediate(r));
  assert.deepEqual(ran, ['test.ping']);
  assert.deepEqual(await loader.call('schedule.run_job', ['off']), { comment: 'Job off is disabled.', result: true });
  assert.deepEqual(await loader.call('schedule.run_job', ['nope']), { comment: 'Job nope does not exist.', result: false });
  scheduler.eval();
  assert.deepEqual(await loader.call('schedule.show_next_fire_time', ['job1']), { result: true, next_fire_time: '2030-01-01T12:00:05' });
  assert.deepEqual(await loader.call('schedule.show_next_fire_time', ['nope']), { result: true, next_fire_time: null });
  assert.deepEqual(await loader.call('schedule.save'), { comment: 'Schedule (non-pillar items) saved.', result: true });
  assert.match(readFileSync(join(root, 'rj', 'minion.d', '_schedule.conf'), 'utf8'), /^schedule:\n  job1:/);
});

test('without a live scheduler (salt-call) changes go to the options and _schedule.conf; offline=True edits the file', async () => {
  const conf = join(root, 'offline');
  const opts: Dict = { id: 'm1', conf_file: join(conf, 'minion'), schedule: {} };
  const loader = new Loader({ opts });
  assert.equal(((await loader.call('schedule.add', ['j'], { function: 'test.ping', minutes: 1 })) as Dict).result, true);
  assert.match(readFileSync(join(conf, 'minion.d', '_schedule.conf'), 'utf8'), /  j:\n/);
  assert.equal(((await loader.call('schedule.add', ['k'], { function: 'test.ping', minutes: 1, offline: true })) as Dict).comment, 'Added job: k to schedule.');
  assert.deepEqual(Object.keys((await loader.call('schedule.list', [], { offline: true, return_yaml: false })) as Dict).sort(), ['j', 'k']);
  assert.equal(((await loader.call('schedule.delete', ['k'], { offline: true })) as Dict).result, true);
  assert.deepEqual(Object.keys((await loader.call('schedule.list', [], { offline: true, return_yaml: false })) as Dict), ['j']);
});

test('schedule.build_schedule_item validates when', async () => {
  const s = setup();
  assert.deepEqual(await s.call('schedule.build_schedule_item', ['j'], { function: 'test.ping', when: 'not a date' }), { comment: 'Schedule item not a date for "when" in invalid.', result: false });
  assert.deepEqual(await s.call('schedule.build_schedule_item', ['j'], { function: 'test.ping', when: '5:00pm', splay: { end: 9, start: 1 } }), {
    function: 'test.ping', maxrunning: 1, name: 'j', enabled: true, jid_include: true, splay: { start: 1, end: 9 }, when: '5:00pm',
  });
});
