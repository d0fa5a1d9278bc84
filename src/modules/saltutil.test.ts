import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Loader } from '../loader/loader.js';
import { runFunction } from '../loader/run.js';
import type { JobRegistry, RunningJob } from '../loader/types.js';

/** A job table like the minion's, recording the signals sent. */
class FakeJobs implements JobRegistry {
  readonly signals: Array<[string, NodeJS.Signals | number]> = [];
  constructor(readonly jobs: RunningJob[]) {}
  list(): RunningJob[] {
    return [...this.jobs];
  }
  get(jid: string): RunningJob | undefined {
    return this.jobs.find((j) => j.jid === jid);
  }
  kill(jid: string, signal: NodeJS.Signals | number): boolean {
    if (!this.get(jid)) return false;
    this.signals.push([jid, signal]);
    return true;
  }
}

const SLEEPER: RunningJob = {
  jid: '20250101000000000100', fun: 'test.sleep', arg: [30], pid: 4242, tgt: 'm1', tgt_type: 'glob', user: 'root', ret: '',
};
const ASKER: RunningJob = { jid: '20250101000000000200', fun: 'saltutil.running', arg: [], pid: 4242, tgt: 'm1', tgt_type: 'glob' };

function setup() {
  const jobs = new FakeJobs([SLEEPER, ASKER]);
  const loader = new Loader({ opts: {}, jobs });
  const run = async (fun: string, arg: unknown[] = []) =>
    (await runFunction(loader, fun, arg, { jid: ASKER.jid, fun, tgt: 'm1' })).return;
  return { jobs, run };
}

test('saltutil.running lists the other running jobs, not the asking one', async () => {
  const { run } = setup();
  assert.deepEqual(await run('saltutil.running'), [SLEEPER]);
});

test('saltutil.find_job returns the job data, or {} when it is not running', async () => {
  const { run } = setup();
  assert.deepEqual(await run('saltutil.find_job', [SLEEPER.jid]), SLEEPER);
  assert.deepEqual(await run('saltutil.find_job', ['20990101000000000000']), {});
});

test('saltutil.is_running matches the function name as a glob', async () => {
  const { run } = setup();
  assert.deepEqual(await run('saltutil.is_running', ['test.*']), [SLEEPER]);
  assert.deepEqual(await run('saltutil.is_running', ['state.*']), []);
});

test("saltutil.kill_job / term_job / signal_job signal the job and return Salt's message", async () => {
  const { run, jobs } = setup();
  assert.equal(await run('saltutil.kill_job', [SLEEPER.jid]), `Signal 9 sent to job ${SLEEPER.jid} at pid 4242`);
  assert.equal(await run('saltutil.term_job', [SLEEPER.jid]), `Signal 15 sent to job ${SLEEPER.jid} at pid 4242`);
  assert.equal(await run('saltutil.signal_job', [SLEEPER.jid, 2]), `Signal 2 sent to job ${SLEEPER.jid} at pid 4242`);
  assert.deepEqual(jobs.signals, [[SLEEPER.jid, 9], [SLEEPER.jid, 15], [SLEEPER.jid, 2]]);
  assert.equal(await run('saltutil.kill_job', ['20990101000000000000']), '');
  assert.deepEqual(await run('saltutil.kill_all_jobs'), [`Signal 9 sent to job ${SLEEPER.jid} at pid 4242`]);
});

test('without a job registry (salt-call --local) nothing is running', async () => {
  const loader = new Loader({ opts: {} });
  assert.deepEqual((await runFunction(loader, 'saltutil.running', [])).return, []);
  assert.deepEqual((await runFunction(loader, 'saltutil.find_job', ['1'])).return, {});
});
