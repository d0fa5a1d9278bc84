import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { EventBusServer } from '../events/server.js';
import { RunnerClient } from '../client/runner_client.js';
import { eventLine, exprMatch } from './state.js';
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

test('exprMatch takes a glob or a whole-tag regular expression', () => {
  assert.equal(exprMatch('salt/job/1/ret/m1', 'salt/job/*'), true);
  assert.equal(exprMatch('salt/job/1/ret/m1', 'salt/job/\\d+/ret/.*'), true);
  assert.equal(exprMatch('salt/job/1/ret/m1', 'salt/job'), false);
  assert.equal(exprMatch('a', '[unclosed'), false);
});

test('eventLine writes tag, tab and json.dumps text (one line, or sorted and indented when pretty)', () => {
  assert.equal(eventLine('t/1', { b: 1, a: 'é' }, false), 't/1\t{"b": 1, "a": "é"}');
  assert.equal(eventLine('t/1', { b: 1, a: [1] }, true), 't/1\t{\n    "a": [\n        1\n    ],\n    "b": 1\n}');
});

test('state.event prints matching events until count is reached, then returns None', async () => {
  const printed: string[] = [];
  const client = new RunnerClient(m.opts, { io: { out: (s) => void printed.push(s), err() {} } });
  const watching = client.cmd('state.event', ['my/*', 'count=2'], {}, { printEvent: false });
  // Fire until the watcher is connected and has seen two matching events.
  const fire = setInterval(() => {
    bus.fireLocal('other/tag', { unmatched: true });
    bus.fireLocal('my/tag', { n: 1 });
  }, 20);
  try {
    assert.equal(await watching, null);
  } finally {
    clearInterval(fire);
    await client.close();
  }
  assert.equal(printed.length, 2);
  for (const line of printed) assert.match(line, /^my\/tag\t\{"n": 1, "_stamp": "[^"]+"\}\n$/);
});
