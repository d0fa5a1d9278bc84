import { afterEach, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { LocalJobCache } from '../jobs/local_cache.js';
import { testMaster, type TestMaster } from '../runners/_testing.js';
import { checkResult, exitCodeOf, RunnerClient } from './runner_client.js';

describe('RunnerClient', () => {
  let m: TestMaster;
  beforeEach(() => (m = testMaster()));
  afterEach(() => m.cleanup());

  test('a call fires salt/run/<jid>/new then .../ret with Salt event data', async () => {
    await m.client().cmd('saltutil.sync_modules', ['saltenv=base'], {}, { printEvent: false });
    assert.equal(m.events.length, 2);
    const [fresh, ret] = m.events;
    assert.match(fresh!.tag, /^salt\/run\/\d{20}\/new$/);
    const jid = fresh!.tag.split('/')[2];
    assert.equal(ret!.tag, `salt/run/${jid}/ret`);
    assert.deepEqual(Object.keys(fresh!.data), ['fun', 'jid', 'user', 'fun_args']);
    assert.equal(fresh!.data.fun, 'runner.saltutil.sync_modules');
    assert.deepEqual(fresh!.data.fun_args, [{ saltenv: 'base' }]);
    assert.deepEqual(ret!.data.return, []);
    assert.equal(ret!.data.success, true);
    assert.equal(typeof ret!.data._stamp, 'string');
  });

  test('a call is stored in the job cache as a job of the master id', async () => {
    const data = (await m.client().cmd('saltutil.sync_all', [], {}, { printEvent: false, fullReturn: true })) as Record<string, unknown>;
    const cache = new LocalJobCache({ cachedir: String(m.opts.cachedir) });
    const jid = String(data.jid);
    const load = await cache.getLoad(jid);
    assert.equal(load.fun, 'runner.saltutil.sync_all');
    assert.equal(load.tgt, 'testhost_master');
    const returns = await cache.getReturns(jid);
    assert.deepEqual(Object.keys(returns), ['testhost_master']);
    assert.equal((returns.testhost_master!.return as Record<string, unknown>).fun, 'runner.saltutil.sync_all');
  });

  test('runner_returns: False keeps calls out of the job cache', async () => {
    m.opts.runner_returns = false;
    const data = (await m.client().cmd('saltutil.sync_all', [], {}, { printEvent: false, fullReturn: true })) as Record<string, unknown>;
    assert.deepEqual(await new LocalJobCache({ cachedir: String(m.opts.cachedir) }).getLoad(String(data.jid)), {});
  });

  test('the return is printed with nested by default and by --out when given', async () => {
    await m.client().cmd('saltutil.sync_modules');
    assert.equal(m.out.join(''), '');
    await m.client().cmd('saltutil.sync_all');
    assert.match(m.out.join(''), /^cache:\nclouds:\nengines:\n/);
    m.out.length = 0;
    m.opts.output = 'json';
    await m.client().cmd('saltutil.sync_all', ['saltenv=base']);
    assert.match(m.out.join(''), /^\{\n    "clouds": \[\],\n/);
  });

  test('an {outputter, data} return prints data with that outputter', async () => {
    const client = m.client();
    client.printEvent('ret', { return: { outputter: 'json', data: { a: 1 } } });
    assert.equal(m.out.join(''), '{\n    "a": 1\n}\n');
  });

  test('quiet prints nothing', async () => {
    m.opts.quiet = true;
    m.client().printEvent('ret', { return: 'x' });
    assert.deepEqual(m.out, []);
  });

  test('a function that throws becomes "Exception occurred in runner ..." with retcode 1', async () => {
    const data = (await m.client().cmd('reactor.list', [], {}, { printEvent: false, fullReturn: true })) as Record<string, unknown>;
    assert.match(String(data.return), /^Exception occurred in runner reactor\.list: Traceback \(most recent call last\):\n/);
    assert.equal(data.retcode, 1);
    assert.equal(exitCodeOf(data), 1);
  });

  test('cmd refuses unknown functions and keywords the function does not take', async () => {
    await assert.rejects(m.client().cmd('nosuch.fun'), { name: 'CommandExecutionError', message: "'nosuch.fun' is not available." });
    await assert.rejects(m.client().cmd('jobs.list_job', ['1', 'bogus=2']), { name: 'SaltInvocationError', message: 'The following keyword arguments are not valid: bogus=2' });
  });

  test('run: an unknown function fires ret with retcode 254 and prints the error', async () => {
    m.opts.fun = 'nosuch.fun';
    m.opts.arg = [];
    const outcome = await m.client().run();
    assert.equal(outcome.exitCode, 0);
    assert.equal(m.out.join(''), "'nosuch.fun' is not available.\n");
    assert.equal(m.events.length, 1);
    assert.equal(m.events[0]!.tag, `salt/run/${outcome.jid}/ret`);
    assert.deepEqual({ ...m.events[0]!.data, _stamp: undefined }, { success: false, return: "'nosuch.fun' is not available.", retcode: 254, fun: 'nosuch.fun', fun_args: [], jid: outcome.jid, _stamp: undefined });
  });

  test('run: bad keywords print the docs of the function', async () => {
    m.opts.fun = 'jobs.exit_success';
    m.opts.arg = ['1', 'bogus=2'];
    await m.client().run();
    assert.match(m.out.join(''), /^jobs\.exit_success:\n    \n        Check if a job has been executed and exit successfully\n/);
  });

  test('run: --async hands the jid to the detacher and runs nothing here', async () => {
    m.opts.fun = 'saltutil.sync_all';
    m.opts.arg = [];
    let detached = '';
    const outcome = await m.client().run({ detach: async (jid) => void (detached = jid) });
    assert.equal(detached, outcome.jid);
    assert.deepEqual(m.events, []);
  });

  test('run: --jid is used as the call jid', async () => {
    m.opts.fun = 'saltutil.sync_all';
    m.opts.arg = [];
    m.opts.jid = '20250101000000000042';
    const outcome = await m.client().run();
    assert.equal(outcome.jid, '20250101000000000042');
    assert.equal(m.events[0]!.tag, 'salt/run/20250101000000000042/new');
  });
});

describe('exitCodeOf and checkResult', () => {
  test("salt-run exits with a dict return's retcode, or its data's retcode", () => {
    assert.equal(exitCodeOf({ return: { retcode: 3 } }), 3);
    assert.equal(exitCodeOf({ return: { data: { retcode: 2 } } }), 2);
    assert.equal(exitCodeOf({ return: 'text' }), 0);
    assert.equal(exitCodeOf({ return: 'x', retcode: 1 }), 1);
  });
  test('checkResult fails non-dict states and result False, recursing into dicts without result', () => {
    assert.equal(checkResult({ m1: true }), false);
    assert.equal(checkResult({}), false);
    assert.equal(checkResult({ a: { result: true } }), true);
    assert.equal(checkResult({ a: { b: { result: false } } }), false);
    assert.equal(checkResult({ a: { b: 1 } }), true);
  });
});

test('RunnerClient without an explicit fireEvent tolerates a master that is not running', async () => {
  const m = testMaster();
  try {
    const client = new RunnerClient(m.opts, { io: { out() {}, err() {} } });
    assert.deepEqual(await client.cmd('saltutil.sync_output', [], {}, { printEvent: false }), []);
    await client.close();
  } finally {
    m.cleanup();
  }
});
