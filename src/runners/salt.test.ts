import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fakeMinions, testMaster } from './_testing.js';

test('salt.cmd runs an execution function on the master with args and kwargs', async () => {
  const m = testMaster({ grains_cache: false, skip_grains: true });
  try {
    assert.equal(await m.call('salt.cmd', ['test.echo', 'hello']), 'hello');
    const r = (await m.call('salt.cmd', ['test.arg', '1', 'two', 'kw=3'])) as Record<string, unknown>;
    assert.deepEqual(r.args, [1, 'two']);
    assert.deepEqual(r.kwargs, { kw: 3 });
  } finally {
    m.cleanup();
  }
});

test("salt.cmd of a missing function returns Salt's not-available text", async () => {
  const m = testMaster({ skip_grains: true });
  try {
    assert.equal(await m.call('salt.cmd', ['nosuch.fun']), "'nosuch.fun' is not available.");
  } finally {
    m.cleanup();
  }
});

test('salt.execute publishes to minions and gives their returns', async () => {
  const m = testMaster();
  try {
    const calls: Array<{ tgt: unknown; fun: string; arg: unknown[]; opts: unknown }> = [];
    const r = await m.client(fakeMinions({ m1: 'pong' }, calls)).cmd('salt.execute', ['m*', 'test.echo', 'arg=["pong"]'], {}, { printEvent: false });
    assert.deepEqual(r, { m1: 'pong' });
    assert.deepEqual(calls[0]!.arg, ['pong']);
    assert.equal(calls[0]!.fun, 'test.echo');
  } finally {
    m.cleanup();
  }
});
