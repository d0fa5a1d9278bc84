import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EventBusServer } from '../events/server.js';
import { matchReactors, Reactor, reactorEnabled, readMasterKey } from './reactor.js';
import type { ReactionCall, ReactionClients } from './react_wrap.js';

let dir: string;
const sls = (name: string) => join(dir, 'reactor', name);

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'reactor-'));
  mkdirSync(join(dir, 'reactor'));
  mkdirSync(join(dir, 'cache'));
  writeFileSync(sls('start.sls'), "touch_marker:\n  local.cmd.run:\n    - tgt: {{ data['id'] }}\n    - args:\n      - cmd: touch /tmp/{{ data['id'] }}\n");
  writeFileSync(sls('orch.sls'), "orch:\n  runner.state.orchestrate:\n    - args:\n      - mods: orch.{{ tag.split('/')[-1] }}\n");
  writeFileSync(join(dir, 'cache', '.root_key'), 'the-master-key');
});
after(() => rmSync(dir, { recursive: true, force: true }));

function recordingClients(block?: Promise<void>): ReactionClients & { calls: Array<[string, ReactionCall, string?]> } {
  const calls: Array<[string, ReactionCall, string?]> = [];
  return {
    calls,
    local: async (c) => {
      calls.push(['local', c]);
      await block;
    },
    runner: async (c, u) => void calls.push(['runner', c, u]),
    wheel: async (c, u) => void calls.push(['wheel', c, u]),
    caller: async (c) => void calls.push(['caller', c]),
  };
}

function reactor(extra: Record<string, unknown>, clients: ReactionClients, fired: Array<[string, unknown]> = []): Reactor {
  return new Reactor(
    { cachedir: join(dir, 'cache'), id: 'host_master', reactor: [{ 'salt/minion/*/start': [sls('start.sls')] }, { 'deploy/*': sls('orch.sls') }], ...extra },
    { clients, signatures: () => undefined, render: { grains: {} }, fire: (t, d) => void fired.push([t, d]) },
  );
}

test('matchReactors selects entries by tag glob, in map order, skipping malformed entries', () => {
  const map = [{ 'salt/minion/*/start': ['/a.sls', '/b.sls'] }, { 'salt/*': '/c.sls' }, { 'x/*': '/d.sls', 'y/*': '/e.sls' }, 'junk', { 'salt/minion/m?/start': ['/f.sls'] }];
  assert.deepEqual(matchReactors(map, 'salt/minion/m1/start'), ['/a.sls', '/b.sls', '/c.sls', '/f.sls']);
  assert.deepEqual(matchReactors(map, 'salt/minion/m10/start'), ['/a.sls', '/b.sls', '/c.sls']);
  assert.deepEqual(matchReactors(map, 'other'), []);
});

test('reactorEnabled follows the reactor option or a reactor engine', () => {
  assert.equal(reactorEnabled({ reactor: [] }), false);
  assert.equal(reactorEnabled({ reactor: [{ a: 'b' }] }), true);
  assert.equal(reactorEnabled({ reactor: '/etc/salt/reactor.yaml' }), true);
  assert.equal(reactorEnabled({ reactor: [], engines: [{ reactor: {} }] }), true);
});

test('readMasterKey reads the access key of the master user', () => {
  assert.equal(readMasterKey({ cachedir: join(dir, 'cache') }), 'the-master-key');
  assert.equal(readMasterKey({ cachedir: join(dir, 'cache'), user: 'salt' }), null);
});

test('a matching event is rendered with its tag and data and its reaction published to the minion', async () => {
  const clients = recordingClients();
  const r = reactor({}, clients);
  r.handle({ tag: 'salt/minion/m1/start', data: { id: 'm1', cmd: '_minion_event' } });
  r.handle({ tag: 'deploy/web', data: {} });
  r.handle({ tag: 'salt/job/1/new', data: {} });
  await r.idle();
  assert.deepEqual(
    clients.calls.map(([t, c, u]) => [t, c.fun, c.tgt ?? null, c.kwarg, u ?? null]),
    [
      ['local', 'cmd.run', 'm1', { cmd: 'touch /tmp/m1' }, null],
      ['runner', 'state.orchestrate', null, { mods: 'orch.web' }, 'Reactor'],
    ],
  );
  assert.deepEqual({ ...r.stats, pool: undefined }, { events: 3, matched: 2, reactions: 2, failed: 0, dropped: 0, pool: undefined });
});

test('events fired by the reactor\'s own user are ignored (no reaction loops)', async () => {
  const clients = recordingClients();
  const r = reactor({ reactor: [{ 'salt/run/*': sls('orch.sls') }] }, clients);
  r.handle({ tag: 'salt/run/1/new', data: { user: 'Reactor' } });
  await r.idle();
  assert.equal(clients.calls.length, 0);
});

test('beyond reactor_worker_hwm waiting events, matching events are dropped and counted', async () => {
  let open!: () => void;
  const block = new Promise<void>((res) => (open = res));
  const clients = recordingClients(block);
  const r = reactor({ reactor_worker_threads: 1, reactor_worker_hwm: 2 }, clients);
  for (let i = 0; i < 6; i++) r.handle({ tag: `salt/minion/m${i}/start`, data: { id: `m${i}` } });
  assert.equal(r.stats.dropped, 3);
  open();
  await r.idle();
  assert.deepEqual(clients.calls.map(([, c]) => c.tgt), ['m0', 'm1', 'm2']);
});

test('a failing reaction file or client call is counted and the other reactions still run', async () => {
  const clients = recordingClients();
  clients.runner = async () => {
    throw new Error('runner exploded');
  };
  const errors: string[] = [];
  const r = new Reactor(
    { reactor: [{ 'a/*': [sls('missing.sls'), sls('orch.sls'), sls('start.sls')] }] },
    { clients, signatures: () => undefined, render: { grains: {} }, log: { error: (m: string) => void errors.push(m), warn() {}, debug() {}, info() {} } as never },
  );
  r.handle({ tag: 'a/b', data: { id: 'm9' } });
  await r.idle();
  assert.equal(r.stats.failed, 2);
  assert.equal(r.stats.reactions, 1);
  assert.match(errors.join('\n'), /missing\.sls for tag a\/b\. File missing/);
  assert.match(errors.join('\n'), /Reactor 'orch' failed to execute runner 'state\.orchestrate': runner exploded/);
});

test('manage requests with the master key list, add and delete reactors and set the leader', async () => {
  const fired: Array<[string, unknown]> = [];
  const clients = recordingClients();
  const r = reactor({ reactor: [{ 'a/*': '/a.sls' }] }, clients, fired);
  const key = 'the-master-key';
  r.handle({ tag: 'salt/run/1/salt/reactors/manage/list', data: { key } });
  r.handle({ tag: 'salt/run/2/salt/reactors/manage/add', data: { key, event: 'b/*', reactors: ['/b.sls'] } });
  r.handle({ tag: 'salt/run/3/salt/reactors/manage/add', data: { key, event: 'b/*', reactors: ['/b.sls'] } });
  r.handle({ tag: 'salt/run/4/salt/reactors/manage/delete', data: { key, event: 'a/*' } });
  r.handle({ tag: 'salt/run/5/salt/reactors/manage/list', data: { key: 'wrong' } });
  r.handle({ tag: 'salt/run/6/salt/reactors/manage/set_leader', data: { key, id: 'host_master', value: false } });
  assert.deepEqual(fired, [
    ['salt/reactors/manage/list-results', { reactors: [{ 'a/*': '/a.sls' }] }],
    ['salt/reactors/manage/add-complete', { reactors: [{ 'a/*': '/a.sls' }, { 'b/*': ['/b.sls'] }], result: { status: true, comment: 'Reactor added.' } }],
    ['salt/reactors/manage/add-complete', { reactors: [{ 'a/*': '/a.sls' }, { 'b/*': ['/b.sls'] }], result: { status: false, comment: 'Reactor already exists.' } }],
    ['salt/reactors/manage/delete-complete', { reactors: [{ 'b/*': ['/b.sls'] }], result: { status: true, comment: 'Reactor deleted.' } }],
    ['salt/reactors/manage/leader/value', { result: false }],
  ]);
  r.handle({ tag: 'b/x', data: {} });
  assert.equal(r.stats.matched, 0, 'a reactor that is not the leader does not react');
});

test('a reactor map file is read, and read again when it changes', async () => {
  const file = join(dir, 'reactor.yaml');
  writeFileSync(file, "- 'one/*':\n  - /one.sls\n");
  const r = reactor({ reactor: file }, recordingClients());
  assert.deepEqual(r.reactorsFor('one/x'), ['/one.sls']);
  writeFileSync(file, "- 'two/*': /two.sls\n");
  const later = new Date(Date.now() + 5000);
  (await import('node:fs')).utimesSync(file, later, later);
  assert.deepEqual(r.reactorsFor('one/x'), []);
  assert.deepEqual(r.reactorsFor('two/x'), ['/two.sls']);
});

test('started on an event bus, the reactor reacts to events fired into it and stops cleanly', async () => {
  const sockDir = mkdtempSync(join(tmpdir(), 'rbus-'));
  const bus = new EventBusServer({ sockDir });
  await bus.start();
  const clients = recordingClients();
  const r = reactor({}, clients).start((listener) => bus.on(listener));
  try {
    bus.fireLocal('salt/minion/m7/start', { id: 'm7' });
    await r.idle();
    assert.deepEqual(clients.calls.map(([, c]) => c.tgt), ['m7']);
  } finally {
    await r.stop();
    bus.fireLocal('salt/minion/m8/start', { id: 'm8' });
    await bus.close();
    rmSync(sockDir, { recursive: true, force: true });
  }
  assert.equal(clients.calls.length, 1, 'no reaction after stop');
});
