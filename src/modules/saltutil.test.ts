import assert from 'node:assert/strict';
import { repoRoot } from '../../test/support/conformance.js';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { executionModuleDirs, registerRefreshHandlers } from '../loader/extmods.js';
import { applyStates } from '../state/apply.js';
import { MemoryFileClient } from '../state/file_client_local.js';
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

// --- sync / refresh ----------------------------------------------------------------------------

const EXAMPLES = join(repoRoot, 'examples');

/** A masterless minion's options over a fresh file root holding the example custom modules. */
function masterless() {
  const root = mkdtempSync(join(tmpdir(), 'salt-ts-saltutil-'));
  const srv = join(root, 'srv');
  for (const kind of ['_modules', '_states']) {
    mkdirSync(join(srv, kind), { recursive: true });
    for (const f of readdirSync(join(EXAMPLES, kind))) copyFileSync(join(EXAMPLES, kind, f), join(srv, kind, f));
  }
  const opts: Record<string, unknown> = {
    id: 'm1',
    file_client: 'local',
    file_roots: { base: [srv] },
    cachedir: join(root, 'cache'),
    extension_modules: join(root, 'cache', 'extmods'),
    sock_dir: join(root, 'sock'),
    hash_type: 'sha256',
    clean_dynamic_modules: true,
  };
  const loader = new Loader({ opts, grains: { os: 'Debian', kernel: 'Linux' }, pillar: { greeting: 'hi' }, moduleDirs: executionModuleDirs(opts) });
  return { root, srv, opts, loader, cleanup: () => rmSync(root, { recursive: true, force: true }) };
}

test('saltutil.sync_modules syncs the TypeScript example and hello.* then runs with grains, pillar and salt()', async () => {
  const m = masterless();
  try {
    assert.deepEqual(await m.loader.call('saltutil.sync_modules'), ['modules.hello']);
    assert.equal(await m.loader.call('hello.world'), 'Hello, world!');
    assert.equal(await m.loader.call('hello.world', [], { name: 'Ada' }), 'Hello, Ada!');
    assert.deepEqual(await m.loader.call('hello.describe'), { id: 'm1', os: 'Debian', kernel: 'Linux', greeting: 'hi' });
    const failed = await runFunction(m.loader, 'hello.shout', []);
    assert.equal(failed.return, 'ERROR: Nothing to shout');
    assert.equal(failed.retcode, 1);
    assert.deepEqual(await m.loader.call('saltutil.sync_modules'), []);
  } finally {
    m.cleanup();
  }
});

test("saltutil.sync_all returns every form in Salt's order, pillar only when masterless", async () => {
  const m = masterless();
  try {
    const ret = (await m.loader.call('saltutil.sync_all', [], { refresh: false })) as Record<string, string[]>;
    assert.deepEqual(Object.keys(ret), [
      'clouds', 'beacons', 'modules', 'states', 'sdb', 'grains', 'renderers', 'returners', 'output',
      'utils', 'log_handlers', 'executors', 'proxymodules', 'engines', 'thorium', 'serializers', 'matchers', 'pillar',
    ]);
    assert.deepEqual(ret.modules, ['modules.hello']);
    assert.deepEqual(ret.states, ['states.greeting']);
    assert.deepEqual(await m.loader.call('saltutil.list_extmods'), { modules: ['hello'], states: ['greeting'] });
    await assert.rejects(
      new Loader({ opts: { ...m.opts, file_client: 'remote' } }).call('saltutil.sync_pillar'),
      /Pillar modules can only be synced to masterless minions/,
    );
  } finally {
    m.cleanup();
  }
});

test('a synced custom state module runs from an SLS through applyStates', async () => {
  const m = masterless();
  try {
    assert.deepEqual(await m.loader.call('saltutil.sync_states'), ['states.greeting']);
    const target = join(m.root, 'hello.txt');
    const sls = `${target}:\n  greeting.present:\n    - text: Hello, world!\n`;
    const run = () => applyStates({ mods: ['main'], fileClient: new MemoryFileClient({ base: { 'main.sls': sls } }), caller: m.loader.makeContext() });
    const first = await run();
    assert.ok('states' in first, JSON.stringify(first));
    const tag = `greeting_|-${target}_|-${target}_|-present`;
    assert.equal(first.states[tag].result, true);
    assert.equal(first.states[tag].comment, `Wrote ${target}`);
    assert.equal(readFileSync(target, 'utf8'), 'Hello, world!');
    const second = await run();
    assert.ok('states' in second);
    assert.equal(second.states[tag].comment, `${target} already greets`);
    assert.deepEqual(second.states[tag].changes, {});
  } finally {
    m.cleanup();
  }
});

test('the saltenv to sync defaults to the environments the top file matches', async () => {
  const m = masterless();
  try {
    const dev = join(m.root, 'dev');
    mkdirSync(join(dev, '_modules'), { recursive: true });
    writeFileSync(join(dev, '_modules', 'devmod.mjs'), "export default { name: 'devmod', functions: {} };\n");
    writeFileSync(join(m.srv, 'top.sls'), "dev:\n  '*':\n    - x\n");
    m.opts.file_roots = { base: [m.srv], dev: [dev] };
    assert.deepEqual(await m.loader.call('saltutil.sync_modules', [], { refresh: false }), ['modules.devmod']);
    assert.deepEqual(await m.loader.call('saltutil.sync_modules', [], { saltenv: 'base,dev', refresh: false }), ['modules.hello']);
  } finally {
    m.cleanup();
  }
});

test('refresh_modules reloads the loader in place and, with no minion listening, returns False like Salt', async () => {
  const m = masterless();
  try {
    await m.loader.call('saltutil.sync_modules', [], { refresh: false });
    assert.equal(await m.loader.has('hello.world'), false, 'the loader listed its files before the sync');
    assert.equal(await m.loader.call('saltutil.refresh_modules'), false);
    assert.equal(await m.loader.has('hello.world'), true);
  } finally {
    m.cleanup();
  }
});

test("refresh_* call a minion's registered handlers and return True", async () => {
  const calls: string[] = [];
  registerRefreshHandlers({ modules: () => void calls.push('modules'), pillar: (clean) => void calls.push(`pillar:${clean}`) });
  try {
    const loader = new Loader({ opts: {} });
    assert.equal(await loader.call('saltutil.refresh_modules'), true);
    assert.equal(await loader.call('saltutil.refresh_pillar', [], { clean_cache: false }), true);
    assert.equal(await loader.call('saltutil.refresh_grains'), true);
    assert.equal(await loader.call('saltutil.refresh_grains', [], { refresh_pillar: false }), true);
    assert.deepEqual(calls, ['modules', 'pillar:false', 'pillar:false', 'modules']);
  } finally {
    registerRefreshHandlers(undefined);
  }
});

test("refresh_grains refuses unknown keywords with Salt's message", async () => {
  await assert.rejects(new Loader({ opts: {} }).call('saltutil.refresh_grains', [], { bogus: 1, __pub_jid: 'x' }), {
    name: 'SaltInvocationError',
    message: 'The following keyword arguments are not valid: bogus=1',
  });
});

test('clear_cache removes every file under cachedir and keeps the directories', async () => {
  const m = masterless();
  try {
    await m.loader.call('saltutil.sync_modules', [], { refresh: false });
    assert.equal(await m.loader.call('saltutil.clear_cache'), true);
    const cache = m.opts.cachedir as string;
    assert.ok(existsSync(join(cache, 'extmods', 'modules')));
    assert.equal(existsSync(join(cache, 'extmods', 'modules', 'hello.mjs')), false);
    assert.equal(existsSync(join(cache, 'module_refresh')), false);
  } finally {
    m.cleanup();
  }
});
