import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { testMaster } from '../runners/_testing.js';
import { WheelClient } from './wheel_client.js';

test('cmd with fullReturn gives the wheel event data, fun prefixed with wheel.', async () => {
  const m = testMaster();
  try {
    const events: string[] = [];
    const wheel = new WheelClient(m.opts, { fireEvent: async (tag) => void events.push(tag), storeJob: false });
    const data = (await wheel.cmd('key.list_all', {}, { fullReturn: true, user: 'api' })) as Record<string, unknown>;
    assert.equal(data.fun, 'wheel.key.list_all');
    assert.equal(data.user, 'api');
    assert.equal(data.success, true);
    assert.deepEqual((data.return as Record<string, unknown>).minions, []);
    assert.deepEqual(events.map((t) => t.replace(/\d{20}/, 'JID')), ['salt/wheel/JID/new', 'salt/wheel/JID/ret']);
  } finally {
    m.cleanup();
  }
});

test('callFunc calls a wheel function directly, without events', async () => {
  const m = testMaster();
  try {
    writeFileSync(join(String(m.opts.pki_dir), 'minions_pre', 'p1'), 'x');
    const events: string[] = [];
    const wheel = new WheelClient(m.opts, { fireEvent: async (tag) => void events.push(tag) });
    assert.deepEqual(await wheel.callFunc('key.name_match', { match: 'p*' }), { minions_pre: ['p1'] });
    assert.deepEqual(events, []);
    await assert.rejects(wheel.callFunc('key.nope'), { message: "'key.nope' is not available." });
  } finally {
    m.cleanup();
  }
});
