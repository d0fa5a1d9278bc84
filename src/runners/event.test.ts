import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { EventBusServer } from '../events/server.js';
import { EventClient } from '../events/client.js';
import { RunnerClient } from '../client/runner_client.js';
import { testMaster, type TestMaster } from './_testing.js';

let m: TestMaster;
let bus: EventBusServer;
before(async () => {
  m = testMaster();
  bus = new EventBusServer({ sockDir: String(m.opts.sock_dir) });
  await bus.start();
});
after(async () => {
  await bus.close();
  m.cleanup();
});

test('event.send fires the tag and data on the master bus and returns True', async () => {
  const listener = new EventClient({ sockDir: String(m.opts.sock_dir) });
  await listener.connectPub();
  listener.subscribe('my/custom');
  try {
    const client = new RunnerClient(m.opts, { io: { out() {}, err() {} } });
    assert.equal(await client.cmd('event.send', ['my/custom/event', '{"foo": "bar"}'], {}, { printEvent: false }), true);
    await client.close();
    const ev = await listener.getEvent({ tag: 'my/custom/event', timeout: 2000 });
    assert.ok(ev);
    assert.equal(ev.data.foo, 'bar');
    assert.equal(typeof ev.data._stamp, 'string');
  } finally {
    await listener.close();
  }
});

test("event.send without a running master returns False, like Salt's fire_event", async () => {
  const down = testMaster();
  try {
    const client = new RunnerClient(down.opts, { io: { out() {}, err() {} } });
    const data = (await client.cmd('event.send', ['x/y'], {}, { printEvent: false, fullReturn: true })) as Record<string, unknown>;
    await client.close();
    assert.equal(data.return, false);
    assert.equal(data.success, true);
  } finally {
    down.cleanup();
  }
});
