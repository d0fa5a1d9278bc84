import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EventBusServer } from '../events/server.js';
import { nullLogger } from '../log/logger.js';
import type { StateCallContext } from '../state/runner.js';
import saltmod from './saltmod.js';

type Dict = Record<string, unknown>;
type Call = { fun: string; args: unknown[]; kwargs: Dict };

/** A state call context whose `__salt__` answers from `answers` and records the calls. */
function fakeCtx(answers: Record<string, (args: unknown[], kwargs: Dict) => unknown>, opts: Dict = {}): StateCallContext & { calls: Call[]; fired: Array<[string, Dict]> } {
  const calls: Call[] = [];
  const fired: Array<[string, Dict]> = [];
  const ctx = {
    opts: { id: 'host_master', __role: 'master', test: false, ...opts },
    grains: {},
    pillar: {},
    log: nullLogger,
    context: {},
    loader: {} as never,
    test: !!opts.test,
    low: {} as never,
    running: {},
    env: 'base',
    calls,
    fired,
    fireMaster: async (tag: string, data: Dict) => void fired.push([tag, data]),
    salt: async (fun: string, args: unknown[] = [], kwargs: Dict = {}) => {
      calls.push({ fun, args, kwargs });
      const a = answers[fun];
      if (!a) throw new Error(`no stub for ${fun}`);
      return a(args, kwargs);
    },
  };
  return ctx as never;
}

const call = (fun: string, ctx: StateCallContext, kwargs: Dict): Promise<Dict> => saltmod.functions[fun]!.fn(ctx, [], kwargs) as Promise<Dict>;

const okState = (changes: Dict = {}) => ({ 'file_|-motd_|-/etc/motd_|-managed': { result: true, changes, comment: 'ok', name: '/etc/motd' } });

test('salt.state runs state.sls on the target with Salt\'s saltutil.cmd arguments and reports changes', async () => {
  const ctx = fakeCtx(
    { 'saltutil.cmd': () => ({ m1: { ret: okState({ diff: 'new' }), out: 'highstate', retcode: 0, jid: '20250101000000000001' }, m2: { ret: okState(), out: 'highstate', retcode: 0 } }) },
    { __orchestration_jid__: '20250101000000000000' },
  );
  const ret = await call('state', ctx, { name: 'web', tgt: 'm*', sls: ['web', 'common'], pillar: { a: 1 }, saltenv: 'prod' });
  assert.deepEqual(ctx.calls[0], {
    fun: 'saltutil.cmd',
    args: ['m*', 'state.sls'],
    kwargs: { arg: ['web,common'], kwarg: { pillar: { a: 1 }, saltenv: 'prod', queue: false, concurrent: false }, ret: '', timeout: null, tgt_type: 'glob', ssh: false, expect_minions: true },
  });
  assert.deepEqual(ctx.fired, [['salt/run/20250101000000000000/args', { type: 'state', tgt: 'm*', name: 'web', args: ctx.calls[0]!.kwargs }]]);
  assert.equal(ret.result, true);
  assert.equal(ret.comment, 'States ran successfully. Updating m1. No changes made to m2.');
  assert.deepEqual(ret.changes, { out: 'highstate', ret: { m1: okState({ diff: 'new' }) } });
  assert.equal(ret.__jid__, '20250101000000000001');
});

test('salt.state fails for failed minions unless allowed by fail_minions or allow_fail', async () => {
  const answers = {
    'saltutil.cmd': () => ({
      m1: { ret: { 'x_|-a_|-a_|-b': { result: false, changes: {}, comment: 'no' } }, out: 'highstate' },
      m2: { failed: true },
      m3: { ret: ['Rendering SLS failed'], out: 'highstate' },
    }),
  };
  const ret = await call('state', fakeCtx(answers), { name: 'x', tgt: '*', highstate: true });
  assert.equal(ret.result, false);
  assert.equal(ret.comment, 'Run failed on minions: m1, m2, m3');
  const allowed = await call('state', fakeCtx(answers), { name: 'x', tgt: '*', highstate: true, fail_minions: 'm1, m2', allow_fail: 1 });
  assert.equal(allowed.result, true);
  assert.match(String(allowed.comment), /^States ran successfully\. Updating m1, m2, m3\.$/);
});

test('salt.state needs sls, highstate or top, checks allow_fail and concurrent, and wants minions', async () => {
  const none = fakeCtx({ 'saltutil.cmd': () => ({}) });
  assert.deepEqual(await call('state', none, { name: 'n', tgt: '*' }), { name: 'n', changes: {}, comment: 'No highstate or sls specified, no execution made', result: false });
  assert.equal((await call('state', none, { name: 'n', tgt: '*', sls: 'a', allow_fail: 'x' })).comment, "Passed invalid value for 'allow_fail', must be an int");
  assert.equal((await call('state', none, { name: 'n', tgt: '*', sls: 'a', concurrent: 'yes' })).comment, "Must pass in boolean for value of 'concurrent'");
  const empty = await call('state', none, { name: 'n', tgt: 'nobody', sls: 'a' });
  assert.deepEqual([empty.result, empty.comment], [false, 'No minions returned']);
  const top = fakeCtx({ 'saltutil.cmd': () => ({ m1: { ret: okState(), out: 'highstate' } }) });
  await call('state', top, { name: 'n', tgt: 'm1', top: 'other_top.sls', highstate: false });
  assert.deepEqual(top.calls[0]!.args, ['m1', 'state.top']);
  assert.deepEqual(top.calls[0]!.kwargs.arg, ['other_top.sls']);
});

test('salt.state in test mode passes test=True and turns a successful run with changes into None', async () => {
  const ctx = fakeCtx({ 'saltutil.cmd': () => ({ m1: { ret: okState({ would: 'change' }), out: 'highstate' } }) }, { test: true });
  const ret = await call('state', ctx, { name: 'n', tgt: 'm1', sls: 'a' });
  assert.equal((ctx.calls[0]!.kwargs.kwarg as Dict).test, true);
  assert.equal(ret.result, null);
});

test('salt.function runs the function with arg/kwarg and reports each minion\'s return', async () => {
  const ctx = fakeCtx({ 'saltutil.cmd': () => ({ m1: { ret: 'hi', retcode: 0, jid: '1' }, m2: { ret: 'hi', retcode: 0, jid: '1' } }) });
  const ret = await call('function', ctx, { name: 'test.echo', tgt: 'm*', arg: 'hi there' });
  assert.deepEqual(ctx.calls[0]!.kwargs.arg, ['hi', 'there']);
  assert.equal(ctx.calls[0]!.kwargs._cmd_meta, true);
  assert.equal(ctx.calls[0]!.kwargs.expect_minions, false);
  assert.deepEqual(ret, {
    name: 'test.echo',
    changes: { ret: { m1: 'hi', m2: 'hi' } },
    comment: 'Function ran successfully. Function test.echo ran on m1, m2.',
    result: true,
    warnings: ["Please specify 'arg' as a list of arguments."],
    __jid__: '1',
  });
});

test('salt.function fails on a retcode, a False return, a failed minion, and fail_function', async () => {
  const ctx = fakeCtx({
    'saltutil.cmd': () => ({ m1: { ret: 'x', retcode: 1 }, m2: { ret: false }, m3: { failed: true }, m4: { ret: 'good' }, m5: { ret: 'bad' } }),
    'my.check': (args) => args[0] !== 'bad',
  });
  const ret = await call('function', ctx, { name: 'cmd.run', tgt: '*', arg: ['true'], fail_function: 'my.check', fail_minions: ['m2'] });
  assert.equal(ret.result, false);
  assert.equal(ret.comment, 'Running function cmd.run failed on minions: m1, m3, m5 Function cmd.run ran on m1, m2, m3, m4, m5.');
});

test('salt.function predicts in test mode, reports errors and no minions', async () => {
  assert.deepEqual(await call('function', fakeCtx({}, { test: true }), { name: 'cmd.run', tgt: 'm1', arg: ['ls'] }), {
    name: 'cmd.run',
    changes: {},
    comment: 'Function cmd.run would be executed on target m1',
    result: null,
  });
  const failing = fakeCtx({
    'saltutil.cmd': () => {
      throw new Error('Salt request timed out');
    },
  });
  assert.deepEqual((await call('function', failing, { name: 'cmd.run', tgt: 'm1' })).comment, 'Salt request timed out');
  assert.deepEqual((await call('function', fakeCtx({ 'saltutil.cmd': () => ({}) }), { name: 'cmd.run', tgt: 'x' })).comment, 'No minions responded');
});

test('salt.runner calls saltutil.runner with the full return and reports success or failure', async () => {
  const ctx = fakeCtx(
    {
      'saltutil.runner': (args) =>
        args[0] === 'jobs.active' ? { return: { j: 1 }, success: true, jid: '5' } : { return: { Error: 'nope' }, success: true, jid: '6' },
    },
    { __orchestration_jid__: '9', user: 'alice' },
  );
  const ok = await call('runner', ctx, { name: 'jobs.active', kwarg: { x: 1 } });
  assert.deepEqual(ctx.calls[0], {
    fun: 'saltutil.runner',
    args: ['jobs.active'],
    kwargs: { kwarg: { x: 1 }, __pub_user: 'alice', __orchestration_jid__: '9', __env__: 'base', full_return: true },
  });
  assert.deepEqual(ok, { name: 'jobs.active', changes: { return: { j: 1 } }, result: true, comment: "Runner function 'jobs.active' executed.", __jid__: '5' });
  const bad = await call('runner', ctx, { name: 'x.y' });
  assert.deepEqual([bad.result, bad.comment], [false, "Runner function 'x.y' failed."]);
  assert.equal((await call('runner', fakeCtx({}, { test: true }), { name: 'x.y' })).comment, "Runner function 'x.y' would be executed.");
});

test('salt.wheel calls saltutil.wheel and reports its return', async () => {
  const ctx = fakeCtx({ 'saltutil.wheel': () => ({ return: { minions: ['m1'] }, success: true, jid: '7' }) });
  const ret = await call('wheel', ctx, { name: 'key.accept', match: 'm1' });
  assert.deepEqual(ctx.calls[0]!.kwargs, { match: 'm1', __orchestration_jid__: null, __env__: 'base' });
  assert.deepEqual(ret, { name: 'key.accept', changes: { return: { minions: ['m1'] } }, result: true, comment: "Wheel function 'key.accept' executed.", __jid__: '7' });
  assert.equal((await call('wheel', fakeCtx({}, { test: true }), { name: 'key.accept' })).comment, "Wheel function 'key.accept' would be executed.");
});

let sockDir: string;
let bus: EventBusServer;
before(async () => {
  sockDir = mkdtempSync(join(tmpdir(), 'saltmod-bus-'));
  bus = new EventBusServer({ sockDir });
  await bus.start();
});
after(async () => {
  await bus.close();
  rmSync(sockDir, { recursive: true, force: true });
});

test('salt.wait_for_event succeeds once every id in id_list was seen in a matching event', async () => {
  const ctx = fakeCtx({}, { sock_dir: sockDir });
  const waiting = call('wait_for_event', ctx, { name: 'salt/minion/*/start', id_list: ['m1', 'm2'], timeout: 5 });
  const fire = setInterval(() => {
    bus.fireLocal('salt/minion/m1/start', { id: 'm1' });
    bus.fireLocal('other/tag', { id: 'm2' });
    bus.fireLocal('salt/minion/x/start', { data: { id: 'm2' } });
  }, 20);
  try {
    const ret = await waiting;
    assert.equal(ret.result, true);
    assert.deepEqual(ret.changes, { minions_seen: ['m1', 'm2'] });
    assert.match(String(ret.comment), /^All events seen in \d+\.\d+ seconds\.$/);
  } finally {
    clearInterval(fire);
  }
});

test('salt.wait_for_event times out, and only predicts in test mode', async () => {
  const ret = await call('wait_for_event', fakeCtx({}, { sock_dir: sockDir }), { name: 'never/*', id_list: ['m1'], timeout: 0.2 });
  assert.deepEqual([ret.result, ret.comment], [false, 'Timeout value reached.']);
  const t = await call('wait_for_event', fakeCtx({}, { test: true }), { name: 'x', id_list: ['m1'] });
  assert.deepEqual([t.result, t.comment], [null, "Orchestration would wait for event 'x'"]);
});
