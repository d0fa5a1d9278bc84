import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { setImmediate as flush } from 'node:timers/promises';
import { Scheduler, type SchedulerOptions } from './scheduler.js';
import type { ScheduleRunResult } from './types.js';

const root = mkdtempSync(join(tmpdir(), 'salt-ts-sched-'));
after(() => rmSync(root, { recursive: true, force: true }));
let dirN = 0;

type Dict = Record<string, unknown>;

/** A scheduler on a fake clock, recording runs and returns. */
function harness(schedule: Dict, extra: Partial<SchedulerOptions> & { opts?: Dict } = {}) {
  const runs: { fun: string; args: unknown[]; kwargs: Dict; schedule: string; jid: string }[] = [];
  const returns: Dict[] = [];
  let now = new Date(2030, 0, 1, 12, 0, 0);
  const confDir = join(root, `c${dirN++}`);
  let release: (() => void) | undefined;
  const opts: Dict = { id: 'm1', loop_interval: 1, conf_file: join(confDir, 'minion'), schedule, ...extra.opts };
  const sched = new Scheduler({
    opts,
    clock: () => now,
    randomInt: (lo) => lo,
    run: async (fun, args, kwargs, info): Promise<ScheduleRunResult> => {
      runs.push({ fun, args, kwargs, ...info });
      if (fun === 'test.sleep') await new Promise<void>((r) => (release = r));
      if (fun === 'test.boom') throw new Error('boom');
      return { return: true, retcode: 0 };
    },
    sendReturn: async (load) => {
      returns.push(load);
    },
    ...extra,
  });
  return {
    sched,
    opts,
    runs,
    returns,
    confDir,
    release: () => release?.(),
    /** Moves the clock by `s` seconds and evaluates once. */
    async step(s = 1) {
      now = new Date(now.getTime() + s * 1000);
      const d = sched.eval(now);
      await flush();
      return d;
    },
    at: () => now,
    setNow(d: Date) {
      now = d;
    },
  };
}

test('an interval job (seconds/minutes/hours/days) first runs one interval after it is seen, then every interval', async () => {
  const h = harness({ job1: { function: 'test.ping', seconds: 10 } });
  await h.step(0);
  assert.equal(h.runs.length, 0);
  for (let i = 0; i < 9; i++) await h.step(1);
  assert.equal(h.runs.length, 0, 'not before 10 s');
  await h.step(1);
  assert.equal(h.runs.length, 1);
  for (let i = 0; i < 10; i++) await h.step(1);
  assert.equal(h.runs.length, 2);

  const m = harness({ j: { function: 'test.ping', minutes: 1, hours: 1 } });
  await m.step(0);
  await m.step(3659);
  assert.equal(m.runs.length, 0);
  await m.step(1);
  assert.equal(m.runs.length, 1);
});

test('a run sends a jid "req" return with Salt\'s fields unless return_job is false', async () => {
  const h = harness({
    job1: { function: 'test.arg', seconds: 1, args: ['a'], kwargs: { k: 1 } },
    quiet: { function: 'test.ping', seconds: 1, return_job: false },
    nc: { function: 'test.ping', seconds: 1, return_job: 'nocache' },
  });
  await h.step(0);
  await h.step(1);
  assert.deepEqual(h.runs.map((r) => r.schedule).sort(), ['job1', 'nc', 'quiet']);
  const run = h.runs.find((r) => r.schedule === 'job1')!;
  assert.deepEqual(run.args, ['a']);
  assert.deepEqual(run.kwargs, { k: 1 });
  assert.match(run.jid, /^\d{20}$/);
  assert.equal(h.returns.length, 2);
  const ret = h.returns.find((r) => r.schedule === 'job1')!;
  assert.deepEqual(Object.keys(ret), ['cmd', 'id', 'fun', 'fun_args', 'schedule', 'jid', 'pid', 'return', 'retcode', 'success']);
  assert.equal(ret.cmd, '_return');
  assert.equal(ret.jid, 'req');
  assert.deepEqual(ret.fun_args, ['a', { k: 1 }]);
  assert.equal(h.returns.find((r) => r.schedule === 'nc')!.jid, 'nocache');
});

test('an exception in the job becomes retcode 254 with success false', async () => {
  const h = harness({ bad: { function: 'test.boom', seconds: 1 } });
  await h.step(0);
  await h.step(1);
  await flush();
  assert.equal(h.returns.length, 1);
  assert.equal(h.returns[0].retcode, 254);
  assert.equal(h.returns[0].success, false);
  assert.equal(h.returns[0].return, 'Unhandled exception running test.boom');
});

test('splay delays each run by the random splay (fixed random: the low bound)', async () => {
  const h = harness({ job: { function: 'test.ping', seconds: 10, splay: { start: 5, end: 9 } } });
  await h.step(0);
  await h.step(10);
  assert.equal(h.runs.length, 0, 'splay of 5 s not over');
  await h.step(4);
  assert.equal(h.runs.length, 0);
  await h.step(1);
  assert.equal(h.runs.length, 1);
  const g = harness({ splay: 3, job: { function: 'test.ping', seconds: 10 } });
  await g.step(0);
  await g.step(10);
  assert.equal(g.runs.length, 0, 'global splay 3 applies (random 1..3 → 1)');
  await g.step(1);
  assert.equal(g.runs.length, 1);
});

test('range runs a due job only inside the window (outside with invert)', async () => {
  const inside = harness({ job: { function: 'test.ping', seconds: 1, range: { start: '11:00', end: '13:00' } } });
  await inside.step(0);
  await inside.step(1);
  assert.equal(inside.runs.length, 1);
  const outside = harness({ job: { function: 'test.ping', seconds: 1, range: { start: '14:00', end: '15:00' } } });
  await outside.step(0);
  const d = await outside.step(1);
  assert.equal(outside.runs.length, 0);
  assert.equal(d[0].skipReason, 'not_in_range');
  const inverted = harness({ job: { function: 'test.ping', seconds: 1, range: { start: '11:00', end: '13:00', invert: true } } });
  await inverted.step(0);
  await inverted.step(1);
  assert.equal(inverted.runs.length, 0);
  const bad = harness({ job: { function: 'test.ping', seconds: 1, range: { start: '13:00', end: '11:00' } } });
  await bad.step(0);
  const e = await bad.step(1);
  assert.match(String(e[0].error), /end must be larger than start/);
});

test('cron jobs fire at the named minute', async () => {
  const h = harness({ job: { function: 'test.ping', cron: '*/5 * * * *' } });
  h.setNow(new Date(2030, 0, 1, 12, 1, 0));
  await h.step(0);
  assert.equal(h.sched.nextFireTime('job'), '2030-01-01T12:05:00');
  await h.step(239);
  assert.equal(h.runs.length, 0);
  await h.step(1);
  assert.equal(h.runs.length, 1);
  await h.step(1);
  assert.equal(h.sched.nextFireTime('job'), '2030-01-01T12:10:00');
  assert.equal(h.runs.length, 1);
  const bad = harness({ job: { function: 'test.ping', cron: 'nope' } });
  const d = await bad.step(0);
  assert.match(String(d[0].error), /Invalid cron expression/);
});

test('once runs a single time at its moment; a past once never runs', async () => {
  const h = harness({ job: { function: 'test.ping', once: '2030-01-01T12:00:05' } });
  await h.step(0);
  await h.step(4);
  assert.equal(h.runs.length, 0);
  await h.step(1);
  assert.equal(h.runs.length, 1);
  for (let i = 0; i < 5; i++) await h.step(1);
  assert.equal(h.runs.length, 1);
  const past = harness({ job: { function: 'test.ping', once: '2029-01-01T00:00:00' } });
  await past.step(0);
  await past.step(1);
  assert.equal(past.runs.length, 0);
  const fmt = harness({ job: { function: 'test.ping', once: '01/01/2030 12:00:02', once_fmt: '%m/%d/%Y %H:%M:%S' } });
  await fmt.step(2);
  assert.equal(fmt.runs.length, 1);
});

test('when runs at each listed time, names resolved through pillar whens', async () => {
  const h = harness(
    { job: { function: 'test.ping', when: ['12:00:03', 'lunch'] } },
    { pillar: { whens: { lunch: '12:00:06' } } },
  );
  await h.step(0);
  await h.step(3);
  assert.equal(h.runs.length, 1);
  await h.step(1);
  await h.step(1);
  assert.equal(h.runs.length, 1);
  await h.step(1);
  assert.equal(h.runs.length, 2);
  for (let i = 0; i < 5; i++) await h.step(1);
  assert.equal(h.runs.length, 2);
});

test('run_on_start runs at the first evaluation', async () => {
  const h = harness({ job: { function: 'test.ping', minutes: 60, run_on_start: true } });
  await h.step(0);
  assert.equal(h.runs.length, 1);
  await h.step(1);
  assert.equal(h.runs.length, 1);
});

test('maxrunning (default 1) stops a new run while one is in progress', async () => {
  const h = harness({ job: { function: 'test.sleep', seconds: 1 } });
  await h.step(0);
  await h.step(1);
  assert.equal(h.runs.length, 1);
  const d = await h.step(1);
  assert.equal(h.runs.length, 1);
  assert.equal(d[0].skipReason, 'maxrunning');
  assert.equal((h.opts.schedule as Dict).job && ((h.opts.schedule as Dict).job as Dict).maxrunning, 1);
  h.release();
  await flush();
  await h.step(1);
  assert.equal(h.runs.length, 2);
  const nojid = harness({ job: { function: 'test.sleep', seconds: 1, jid_include: false } });
  await nojid.step(0);
  await nojid.step(1);
  await nojid.step(1);
  assert.equal(nojid.runs.length, 2, 'without jid_include maxrunning is not checked');
});

test('disabled jobs and a disabled schedule do not run', async () => {
  const h = harness({ job: { function: 'test.ping', seconds: 1, enabled: false } });
  await h.step(0);
  const d = await h.step(1);
  assert.equal(h.runs.length, 0);
  assert.equal(d[0].skipReason, 'disabled');
  h.sched.enableJob('job', false);
  await h.step(1);
  assert.equal(h.runs.length, 1);
  h.sched.disableSchedule(false);
  await h.step(1);
  assert.equal(h.runs.length, 1);
});

test('invalid option combinations are ignored', async () => {
  const h = harness({ a: { function: 'test.ping', seconds: 1, cron: '* * * * *' }, b: { function: 'test.ping', when: '12:00', cron: '* * * * *' } });
  const d = await h.step(0);
  assert.deepEqual(d, []);
});

test('save writes the config jobs (not pillar ones) to minion.d/_schedule.conf; reload reads it back', async () => {
  const h = harness({ job1: { function: 'test.ping', seconds: 3600, enabled: true } }, { pillar: { schedule: { pj: { function: 'test.ping', seconds: 5 } } } });
  h.sched.addJob({ job2: { function: 'cmd.run', args: ['date'], minutes: 5 } });
  const file = join(h.confDir, 'minion.d', '_schedule.conf');
  assert.equal(
    readFileSync(file, 'utf8'),
    'schedule:\n  job1:\n    enabled: true\n    function: test.ping\n    seconds: 3600\n  job2:\n    args:\n    - date\n    enabled: true\n    function: cmd.run\n    minutes: 5\n',
  );
  h.sched.deleteJob('pj');
  assert.ok('pj' in h.sched.list(), 'pillar jobs cannot be deleted');
  h.sched.deleteJob('job1');
  assert.deepEqual(Object.keys(h.sched.saved()), ['job2']);
  delete (h.opts.schedule as Dict).job2;
  h.sched.reload();
  assert.deepEqual(Object.keys(h.sched.list('opts')), ['job2']);
});

test('the schedule conf lands under conf_dir/config_dir when set', () => {
  const dir = join(root, 'confdir');
  mkdirSync(dir, { recursive: true });
  const s = new Scheduler({ opts: { config_dir: dir, schedule: {} } });
  s.addJob({ j: { function: 'test.ping', seconds: 1 } });
  assert.match(readFileSync(join(dir, 'minion.d', '_schedule.conf'), 'utf8'), /^schedule:\n  j:\n/);
  writeFileSync(join(dir, 'minion.d', '_schedule.conf'), '');
  assert.deepEqual(s.saved(), {});
});

test('modifying a job restarts its timing', async () => {
  const h = harness({ job: { function: 'test.ping', seconds: 100 } });
  await h.step(0);
  await h.step(50);
  h.sched.modifyJob('job', { function: 'test.ping', seconds: 5 }, false);
  await h.step(1);
  assert.equal(h.sched.nextFireTime('job'), '2030-01-01T12:00:56');
  await h.step(5);
  assert.equal(h.runs.length, 1);
});

test('metadata is passed on with the time stamps Salt adds', async () => {
  const h = harness({ job: { function: 'test.ping', seconds: 1, metadata: { a: 1 } } });
  await h.step(0);
  await h.step(1);
  const md = h.returns[0].metadata as Dict;
  assert.equal(md.a, 1);
  assert.match(String(md._TOS), /^[+-]\d{4}$/);
  assert.match(String(md._TS), /^\w{3} \w{3} [ \d]\d \d\d:\d\d:\d\d \d{4}$/);
  assert.match(String(md._TT), /^\d{4} \w+ \d\d \w{3} \d\d \d\d$/);
});

test('pillar blackout stops scheduled jobs except saltutil.refresh_pillar', async () => {
  const h = harness({ job: { function: 'test.ping', seconds: 1 } }, { pillar: { minion_blackout: true } });
  await h.step(0);
  await h.step(1);
  assert.equal(h.runs.length, 0);
  assert.equal(h.returns[0].retcode, 254);
});
