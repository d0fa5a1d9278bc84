import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EventBusServer } from '../events/server.js';
import { nullLogger } from '../log/logger.js';
import type { MasterCallContext } from '../runners/types.js';
import { Reactor } from './reactor.js';
import reactorRunner from './runner.js';

let root: string;
let bus: EventBusServer;
let opts: Record<string, unknown>;
let reactor: Reactor;

before(async () => {
  root = mkdtempSync(join(tmpdir(), 'reactor-runner-'));
  mkdirSync(join(root, 'sock'));
  mkdirSync(join(root, 'cache'));
  writeFileSync(join(root, 'cache', '.root_key'), 'k3y');
  opts = { id: 'host_master', sock_dir: join(root, 'sock'), cachedir: join(root, 'cache'), reactor: [{ 'a/*': ['/srv/reactor/a.sls'] }] };
  bus = new EventBusServer({ sockDir: join(root, 'sock') });
  await bus.start();
  reactor = new Reactor(opts, { clients: {} as never, fire: (t, d) => bus.fireLocal(t, d) }).start((l) => bus.on(l));
});
after(async () => {
  await reactor.stop();
  await bus.close();
  rmSync(root, { recursive: true, force: true });
});

function ctx(o: Record<string, unknown> = opts): MasterCallContext {
  return {
    opts: o,
    jid: '20250101000000000001',
    tag: 'salt/run/20250101000000000001',
    user: 'root',
    context: {},
    fireJobEvent: async () => undefined,
    fireEvent: async (tag, data) => {
      bus.fireLocal(tag, data);
      return true;
    },
    print: () => undefined,
    minions: () => {
      throw new Error('no minions here');
    },
    log: nullLogger,
  };
}

const run = (fun: string, kwargs: Record<string, unknown> = {}, c = ctx()) => reactorRunner.functions[fun]!.fn(c, [], kwargs);

test('reactor.list, add and delete talk to the running reactor', async () => {
  assert.deepEqual(await run('list'), [{ 'a/*': ['/srv/reactor/a.sls'] }]);
  assert.deepEqual(await run('add', { event: 'b/*', reactors: '/srv/reactor/b.sls' }), { status: true, comment: 'Reactor added.' });
  assert.deepEqual(await run('list'), [{ 'a/*': ['/srv/reactor/a.sls'] }, { 'b/*': ['/srv/reactor/b.sls'] }]);
  assert.deepEqual(await run('delete', { event: 'a/*' }), { status: true, comment: 'Reactor deleted.' });
  assert.deepEqual(await run('delete', { event: 'a/*' }), { status: false, comment: 'Reactor does not exists.' });
  assert.deepEqual(reactor.listAll(), [{ 'b/*': ['/srv/reactor/b.sls'] }]);
});

test('reactor.set_leader and is_leader switch the reactor', async () => {
  assert.equal(await run('is_leader'), true);
  assert.equal(await run('set_leader', { value: false }), false);
  assert.equal(reactor.isLeader, false);
  assert.equal(await run('set_leader', { value: true }), true);
});

test('without a reactor configured the runner says the system is not running; without a bus, list shows the config', async () => {
  await assert.rejects(Promise.resolve(run('list', {}, ctx({ ...opts, reactor: [] }))), { message: 'Reactor system is not running.' });
  const offline = { ...opts, sock_dir: join(root, 'nowhere') };
  assert.deepEqual(await run('list', {}, ctx(offline)), [{ 'a/*': ['/srv/reactor/a.sls'] }]);
  await assert.rejects(Promise.resolve(run('is_leader', {}, ctx(offline))), /master event bus is not running/);
});
