import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CmdOptions, MasterClients } from './master_minion.js';
import { masterFunctions } from './master_minion.js';
import { orchestrate, orchestrateHigh, orchestrateSingle, slsNames } from './orchestrate.js';

type Dict = Record<string, unknown>;

let root: string;
let opts: Dict;

before(() => {
  root = mkdtempSync(join(tmpdir(), 'orch-'));
  mkdirSync(join(root, 'salt', 'orch'), { recursive: true });
  mkdirSync(join(root, 'pillar'), { recursive: true });
  writeFileSync(
    join(root, 'salt', 'orch', 'deploy.sls'),
    [
      'apply_web:',
      '  salt.state:',
      '    - tgt: m2',
      '    - sls: web',
      '    - require:',
      '      - salt: prepare',
      'prepare:',
      '  salt.function:',
      '    - name: cmd.run',
      '    - tgt: m1',
      "    - arg: ['echo {{ pillar.get(\"who\", \"nobody\") }}']",
      '',
    ].join('\n'),
  );
  writeFileSync(join(root, 'salt', 'orch', 'broken.sls'), 'x: [\n');
  writeFileSync(join(root, 'pillar', 'top.sls'), "base:\n  '*_master':\n    - orch\n");
  writeFileSync(join(root, 'pillar', 'orch.sls'), 'who: master-pillar\n');
  opts = {
    id: 'host_master',
    cachedir: join(root, 'cache'),
    sock_dir: join(root, 'sock'),
    file_roots: { base: [join(root, 'salt')] },
    pillar_roots: { base: [join(root, 'pillar')] },
    timeout: 5,
    test: false,
  };
});
after(() => rmSync(root, { recursive: true, force: true }));

/** Master clients whose minions answer from `answer`; every call is recorded. */
function stubClients(answer: (tgt: unknown, fun: string, o: CmdOptions) => Record<string, Dict>) {
  const calls: Array<{ tgt: unknown; fun: string; o: CmdOptions }> = [];
  const runs: Array<{ name: string; arg: unknown[]; kwarg: Dict; user: string }> = [];
  const fired: Array<[string, Dict]> = [];
  const clients: MasterClients = {
    cmd: async (tgt, fun, o) => {
      calls.push({ tgt, fun, o });
      return answer(tgt, fun, o);
    },
    runner: async (name, arg, kwarg, user) => {
      runs.push({ name, arg, kwarg, user });
      return { fun: `runner.${name}`, jid: '20250101000000000009', return: { ran: name }, success: true };
    },
    wheel: async (name) => ({ fun: `wheel.${name}`, jid: '20250101000000000010', return: ['m1'], success: true }),
    fire: async (tag, data) => void fired.push([tag, data]),
    close: async () => undefined,
  };
  return { clients, calls, runs, fired };
}

const stateOk = { 'file_|-a_|-a_|-managed': { result: true, changes: { diff: 'x' }, comment: 'ok', name: 'a', __run_num__: 0 } };

test('slsNames splits a comma-separated list', () => {
  assert.deepEqual(slsNames('a, b.c'), ['a', 'b.c']);
  assert.deepEqual(slsNames(['x']), ['x']);
});

test('orchestrate runs the steps in requisite order with the master pillar, keyed by the master id', async () => {
  const s = stubClients((tgt, fun): Record<string, Dict> => (fun === 'cmd.run' ? { m1: { ret: 'master-pillar', retcode: 0, jid: '1' } } : { m2: { ret: stateOk, out: 'highstate', retcode: 0, jid: '2' } }));
  const res = await orchestrate(opts, { mods: 'orch.deploy', clients: s.clients, grains: {}, orchestrationJid: '20250101000000000000' });
  assert.deepEqual(
    s.calls.map((c) => [c.tgt, c.fun, c.o.arg]),
    [
      ['m1', 'cmd.run', ['echo master-pillar']],
      ['m2', 'state.sls', ['web']],
    ],
  );
  assert.equal(res.outputter, 'highstate');
  assert.equal(res.retcode, 0);
  const run = res.data.host_master as Record<string, Dict>;
  assert.deepEqual(Object.keys(run), ['salt_|-prepare_|-cmd.run_|-function', 'salt_|-apply_web_|-apply_web_|-state']);
  assert.equal(run['salt_|-prepare_|-cmd.run_|-function']!.comment, 'Function ran successfully. Function cmd.run ran on m1.');
  assert.equal(run['salt_|-apply_web_|-apply_web_|-state']!.comment, 'States ran successfully. Updating m2.');
  assert.deepEqual(
    s.fired.map(([tag, d]) => [tag, d.type]),
    [
      ['salt/run/20250101000000000000/args', 'function'],
      ['salt/run/20250101000000000000/args', 'state'],
    ],
  );
});

test('a failed step stops the steps that require it and makes retcode 1', async () => {
  const s = stubClients(() => ({ m1: { ret: 'boom', retcode: 1, jid: '1' } }));
  const res = await orchestrate(opts, { mods: ['orch.deploy'], clients: s.clients, grains: {} });
  assert.equal(res.retcode, 1);
  const run = res.data.host_master as Record<string, Dict>;
  assert.equal(run['salt_|-apply_web_|-apply_web_|-state']!.result, false);
  assert.match(String(run['salt_|-apply_web_|-apply_web_|-state']!.comment), /^One or more requisite failed: orch\.deploy\.prepare/);
  assert.equal(s.calls.length, 1);
});

test('test=True predicts salt.function and passes test to salt.state', async () => {
  const s = stubClients(() => ({ m2: { ret: stateOk, out: 'highstate', retcode: 0 } }));
  const res = await orchestrate(opts, { mods: 'orch.deploy', test: true, clients: s.clients, grains: {} });
  assert.deepEqual(s.calls.map((c) => [c.fun, (c.o.kwarg as Dict).test]), [['state.sls', true]]);
  const run = res.data.host_master as Record<string, Dict>;
  assert.equal(run['salt_|-prepare_|-cmd.run_|-function']!.result, null);
  assert.equal(run['salt_|-apply_web_|-apply_web_|-state']!.result, null);
  assert.equal(res.retcode, 0);
});

test('render errors and missing SLS come back as the error list with retcode 1', async () => {
  const s = stubClients(() => ({}));
  const missing = await orchestrate(opts, { mods: 'orch.nope', clients: s.clients, grains: {} });
  assert.deepEqual(missing.data.host_master, ['No matching sls found for \'orch.nope\' in env \'base\'']);
  assert.equal(missing.retcode, 1);
  const broken = await orchestrate(opts, { mods: 'orch.broken', clients: s.clients, grains: {} });
  assert.ok(Array.isArray(broken.data.host_master));
  assert.equal(broken.retcode, 1);
  await assert.rejects(orchestrate(opts, { mods: 'x', pillar: 'nope', clients: s.clients, grains: {} }), { name: 'SaltInvocationError', message: 'Pillar data must be formatted as a dictionary' });
});

test('orchestrateHigh runs dotted declarations and salt.runner reaches the runner as the calling user', async () => {
  const s = stubClients(() => ({}));
  const ret = await orchestrateHigh(
    opts,
    { one: { 'salt.runner': [{ name: 'jobs.active' }] }, two: { 'salt.wheel': [{ name: 'key.list_all' }, { require: [{ salt: 'one' }] }] } },
    { clients: s.clients, grains: {}, user: 'alice' },
  );
  const run = ret.host_master as Record<string, Dict>;
  assert.deepEqual(Object.values(run).map((r) => r.comment), ["Runner function 'jobs.active' executed.", "Wheel function 'key.list_all' executed."]);
  assert.equal(s.runs[0]!.user, 'alice');
});

test('orchestrateSingle runs one state function by name', async () => {
  const s = stubClients(() => ({ m1: { ret: true, retcode: 0 } }));
  const ret = await orchestrateSingle(opts, 'salt.function', 'test.ping', { tgt: 'm1' }, { clients: s.clients, grains: {} });
  const run = ret.host_master as Record<string, Dict>;
  assert.equal(run['salt_|-test.ping_|-test.ping_|-function']!.result, true);
  await assert.rejects(orchestrateSingle(opts, 'nodot', 'x', {}, { clients: s.clients, grains: {} }), /<module>\.<function>/);
});

test('saltutil.runner passes the orchestration jid down to nested orchestrations and fires the args event', async () => {
  const s = stubClients(() => ({}));
  const fns = masterFunctions(opts, s.clients);
  const out = await fns['saltutil.runner']!(['state.orchestrate'], { kwarg: { mods: 'inner' }, __orchestration_jid__: '123', __env__: 'base', __pub_user: 'bob', full_return: true, extra: 1 });
  assert.deepEqual(s.runs[0], { name: 'state.orchestrate', arg: [], kwarg: { mods: 'inner', extra: 1, saltenv: 'base', orchestration_jid: '123' }, user: 'bob' });
  assert.deepEqual(s.fired[0], ['salt/run/123/args', { type: 'runner', name: 'state.orchestrate', args: [], kwargs: s.runs[0]!.kwarg }]);
  assert.equal((out as Dict).success, true);
  const plain = await fns['saltutil.runner']!(['jobs.active'], {});
  assert.deepEqual(plain, { ran: 'jobs.active' });
});
