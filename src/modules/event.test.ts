import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { EventBusServer, EventClient } from '../events/index.js';
import { Loader } from '../loader/loader.js';
import { runFunction } from '../loader/run.js';

const sockDir = mkdtempSync(join(tmpdir(), 'ev-'));
const server = new EventBusServer({ sockDir, role: 'minion', id: 'm1' });
const listener = new EventClient({ sockDir, role: 'minion', id: 'm1' });
before(async () => {
  await server.start();
  await listener.connectPub();
});
after(async () => {
  await listener.close();
  await server.close();
  rmSync(sockDir, { recursive: true, force: true });
});
const kw = (o: Record<string, unknown>) => ({ __kwarg__: true, ...o });

test('event.fire puts the event on the minion bus and returns True', async () => {
  const loader = new Loader({ opts: { id: 'm1', sock_dir: sockDir } });
  listener.subscribe('my/tag');
  const r = await runFunction(loader, 'event.fire', [{ a: 1 }, 'my/tag']);
  assert.deepEqual(r, { return: true, retcode: 0, success: true });
  const ev = await listener.getEvent({ tag: 'my/tag', timeout: 2000 });
  assert.equal(ev?.data.a, 1);
  assert.equal(typeof ev?.data._stamp, 'string');
});

test('event.fire returns False when the bus is not there or the data is not a dict', async () => {
  const nobus = new Loader({ opts: { id: 'm1', sock_dir: join(sockDir, 'absent') } });
  assert.equal((await runFunction(nobus, 'event.fire', [{ a: 1 }, 'x'])).return, false);
  const loader = new Loader({ opts: { id: 'm1', sock_dir: sockDir } });
  assert.equal((await runFunction(loader, 'event.fire', ['notadict', 'x'])).return, false);
});

test('event.send in local mode fires locally with kwargs, data and grains merged', async () => {
  const loader = new Loader({ opts: { id: 'm1', sock_dir: sockDir, file_client: 'local' }, grains: { os: 'Debian', kernel: 'Linux' } });
  listener.subscribe('myco/build');
  const r = await runFunction(loader, 'event.send', ['myco/build', { x: 1 }, kw({ foo: 'Foo', with_grains: ['os'] })]);
  assert.equal(r.return, true);
  const ev = await listener.getEvent({ tag: 'myco/build', timeout: 2000 });
  assert.equal(ev?.data.foo, 'Foo');
  assert.equal(ev?.data.x, 1);
  assert.deepEqual(ev?.data.grains, { os: 'Debian' });
});

test('event.fire_master: False in local mode; a fire_master request on the bus without a master hook; the hook when present', async () => {
  const local = new Loader({ opts: { id: 'm1', sock_dir: sockDir, local: true } });
  assert.equal((await runFunction(local, 'event.fire_master', [{ a: 1 }, 't'])).return, false);
  const remote = new Loader({ opts: { id: 'm1', sock_dir: sockDir, file_client: 'remote' } });
  listener.subscribe('fire_master');
  assert.equal((await runFunction(remote, 'event.fire_master', [{ a: 1 }, 'up/tag'])).return, true);
  const ev = await listener.getEvent({ tag: 'fire_master', timeout: 2000 });
  assert.deepEqual({ ...ev?.data, _stamp: undefined }, { data: { a: 1 }, tag: 'up/tag', events: null, pretag: null, _stamp: undefined });
  const sent: Array<[string, unknown]> = [];
  const ctx = remote.makeContext();
  ctx.fireMaster = async (tag, data) => {
    sent.push([tag, data]);
  };
  assert.equal(await remote.call('event.fire_master', [{ b: 2 }, 'hook/tag'], {}, ctx), true);
  assert.deepEqual(sent, [['hook/tag', { b: 2 }]]);
});
