import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { argsCases } from '../args/_conformance.js';
import { pyRepr } from '../args/py_repr.js';
import { Caller, CallerExit, isLocalCall, type CallerIo, type MasterLink } from './caller.js';

const root = mkdtempSync(join(tmpdir(), 'salt-ts-caller-'));
after(() => rmSync(root, { recursive: true, force: true }));

interface Captured {
  io: CallerIo;
  stdout: () => string;
  stderr: () => string;
}

function capture(): Captured {
  let out = '';
  let err = '';
  return { io: { out: (s) => void (out += s), err: (s) => void (err += s) }, stdout: () => out, stderr: () => err };
}

function baseOpts(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { id: 'callee', file_client: 'local', local: true, cachedir: join(root, 'cache'), grains: {}, no_color: true, ...extra };
}

async function localCaller(fun: string, arg: string[] = [], extra: Record<string, unknown> = {}, io = capture()) {
  const caller = await Caller.create(baseOpts({ fun, arg, ...extra }), { io: io.io });
  return { caller, io };
}

/** Runs the call and returns the CallerExit it must throw. */
async function callFails(fun: string, arg: string[] = [], extra: Record<string, unknown> = {}): Promise<CallerExit> {
  const { caller } = await localCaller(fun, arg, extra);
  try {
    await caller.call();
  } catch (err) {
    assert.ok(err instanceof CallerExit, `expected CallerExit, got ${String(err)}`);
    return err;
  }
  assert.fail(`${fun} should have failed`);
}

// salt-call --local test.arg_repr <argv>: what the function really receives, as Salt 3006.10 ran it.
for (const c of argsCases('salt_call')) {
  test(`salt_call conformance ${c.id}`, async () => {
    const argv = c.input['argv'] as string[];
    const { caller } = await localCaller('test.arg', argv.slice(1));
    const ret = await caller.call();
    const got = ret.return as { args: unknown[]; kwargs: Record<string, unknown> };
    const kwargs = Object.fromEntries(Object.entries(got.kwargs).filter(([k]) => !k.startsWith('__pub_')));
    assert.equal(`(${pyRepr(got.args)}, ${pyRepr(kwargs)})`, c.expected['repr']);
    assert.deepEqual(Object.keys(got.kwargs).filter((k) => k.startsWith('__pub_')).sort(), c.expected['pub_kwarg_names']);
  });
}

test('the __pub_* data is fun, jid, pid and tgt salt-call (plus metadata when set)', async () => {
  const { caller } = await localCaller('test.arg', [], { metadata: '{team: ops}' });
  const ret = await caller.call();
  const kwargs = (ret.return as { kwargs: Record<string, unknown> }).kwargs;
  assert.equal(kwargs.__pub_fun, 'test.arg');
  assert.equal(kwargs.__pub_jid, ret.jid);
  assert.equal(kwargs.__pub_pid, process.pid);
  assert.equal(kwargs.__pub_tgt, 'salt-call');
  assert.deepEqual(kwargs.__pub_metadata, { team: 'ops' });
  assert.deepEqual(ret.metadata, { team: 'ops' });
});

test('the ret map holds jid, return, retcode, id, fun and the raw argument words', async () => {
  const { caller } = await localCaller('test.echo', ['0644']);
  const ret = await caller.call();
  assert.match(ret.jid, /^\d{20}$/);
  assert.equal(ret.return, 644);
  assert.equal(ret.retcode, 0);
  assert.equal(ret.id, 'callee');
  assert.equal(ret.fun, 'test.echo');
  assert.deepEqual(ret.fun_args, ['0644']);
  assert.equal('success' in ret, false);
});

test('--no-parse keeps a kwarg value as text', async () => {
  const { caller } = await localCaller('test.arg', ['a=0644', 'b=0644'], { no_parse: ['a'] });
  const kwargs = ((await caller.call()).return as { kwargs: Record<string, unknown> }).kwargs;
  assert.equal(kwargs.a, '0644');
  assert.equal(kwargs.b, 644);
});

test('the retcode comes from __context__ (test.retcode 5)', async () => {
  const { caller } = await localCaller('test.retcode', ['5']);
  const ret = await caller.call();
  assert.equal(ret.retcode, 5);
});

test('run exits 1 for a non-zero retcode, or the retcode itself with retcode_passthrough', async () => {
  const plain = await localCaller('test.retcode', ['5']);
  assert.equal(await plain.caller.run(), 1);
  assert.equal(plain.io.stdout(), 'local:\n    True\n');
  const through = await localCaller('test.retcode', ['5'], { retcode_passthrough: true });
  assert.equal(await through.caller.run(), 5);
  const fine = await localCaller('test.ping');
  assert.equal(await fine.caller.run(), 0);
});

test('a map with a false result gives retcode 1', async () => {
  const { caller } = await localCaller('test.echo', ['{result: false}']);
  assert.equal((await caller.call()).retcode, 1);
});

test('run prints through --out and the outputter a function declares (module from module_dirs)', async () => {
  const json = await localCaller('test.ping', [], { output: 'json' });
  await json.caller.run();
  assert.equal(json.io.stdout(), '{\n    "local": true\n}\n');
  const dir = join(root, 'custom_modules');
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    join(dir, 'custom.mjs'),
    "export default { name: 'custom', functions: { hello: { fn: () => ({ a: 1 }), signature: { args: [] }, doc: 'Say hi', outputter: 'json' } } };\n",
  );
  const declared = await localCaller('custom.hello', [], { module_dirs: [dir] });
  assert.equal(await declared.caller.run(), 0);
  assert.equal(declared.io.stdout(), '{\n    "local": {\n        "a": 1\n    }\n}\n');
});

test('--metadata prints the whole ret map with nested', async () => {
  const { caller, io } = await localCaller('test.ping', [], { print_metadata: true });
  assert.equal(await caller.run(), 0);
  assert.match(io.stdout(), /^local:\n    ----------\n    fun:\n        test.ping\n    fun_args:\n(?:.*\n)*    id:\n        callee\n    jid:\n        \d{20}\n    retcode:\n        0\n    return:\n        True\n$/);
});

test('a missing function exits 255 with Salt\'s text on stderr', async () => {
  const exit = await callFails('nosuchmod.fun');
  assert.equal(exit.exitCode, 255);
  assert.equal(exit.stderr, "'nosuchmod.fun' is not available.\n");
});

test('a missing function that prefixes others returns their docs with out nested and no retcode', async () => {
  const { caller } = await localCaller('test.pin');
  const ret = await caller.call();
  assert.equal(ret.out, 'nested');
  assert.equal(ret.retcode, undefined);
  const docs = ret.return as Record<string, string>;
  assert.equal(docs['test.pin'], "'test.pin' is not available.");
  assert.match(docs['test.ping']!, /Used to make sure the minion is up and responding/);
  assert.equal(await (await localCaller('test.pin')).caller.run(), 1);
});

test('an invalid keyword argument exits 1 with the SaltInvocationError text', async () => {
  const exit = await callFails('test.ping', ['foo=1']);
  assert.equal(exit.exitCode, 1);
  assert.equal(exit.stderr, 'The following keyword arguments are not valid: foo=1\n');
});

test('arguments that do not fit print "Passed invalid arguments" and the docstring', async () => {
  const exit = await callFails('test.ping', ['extra']);
  assert.equal(exit.exitCode, 1);
  assert.equal(exit.stderr, '\nPassed invalid arguments: ping() takes 0 positional arguments but 1 was given.\n\nUsage:\n');
  assert.match(exit.stdout, /^\n    Used to make sure the minion is up and responding/);
});

test('CommandExecutionError, CommandNotFoundError and SaltInvocationError give Salt\'s lines, exit 1', async () => {
  const cee = await callFails('test.raise_exception', ['salt.exceptions.CommandExecutionError', 'boom']);
  assert.deepEqual([cee.exitCode, cee.stderr], [1, "Error running 'test.raise_exception': boom\n"]);
  const cnf = await callFails('test.raise_exception', ['salt.exceptions.CommandNotFoundError', 'no foo']);
  assert.deepEqual([cnf.exitCode, cnf.stderr], [1, "Command required for 'test.raise_exception' not found: no foo\n"]);
  const sie = await callFails('test.raise_exception', ['salt.exceptions.SaltInvocationError', 'bad call']);
  assert.deepEqual([sie.exitCode, sie.stderr], [1, 'bad call\n']);
});

test('any other error prints a traceback and exits 1', async () => {
  const exit = await callFails('test.exception', ['Oh noes!']);
  assert.equal(exit.exitCode, 1);
  assert.match(exit.stderr, /^Traceback \(most recent call last\):\n(?:.*\n)*Exception: Oh noes!\n$/);
});

test('an executor other than direct_call is not available', async () => {
  const exit = await callFails('test.ping', [], { module_executors: '[sudo]' });
  assert.deepEqual([exit.exitCode, exit.stderr], [1, "Executor 'sudo' is not available\n"]);
});

test('the proc file exists only while the function runs', async () => {
  const { caller } = await localCaller('test.sleep', ['1']);
  const procDir = join(root, 'cache', 'proc');
  let done = false;
  const running = caller.call().finally(() => (done = true));
  const seen = new Set<string>();
  while (!done) {
    if (existsSync(procDir)) for (const f of readdirSync(procDir)) seen.add(f);
    await new Promise((r) => setTimeout(r, 10));
  }
  const ret = await running;
  assert.deepEqual([...seen], [ret.jid]);
  assert.equal(existsSync(join(procDir, ret.jid)), false);
});

test('skip_grains leaves the grains empty; otherwise they hold the id', async () => {
  const skipped = await localCaller('test.ping', [], { skip_grains: true });
  assert.deepEqual(skipped.caller.opts.grains, {});
  const loaded = await localCaller('test.ping');
  assert.equal((loaded.caller.opts.grains as Record<string, unknown>).id, 'callee');
  loaded.caller.printGrains();
  assert.match(loaded.io.stdout(), /^local:\n    ----------\n(?:.*\n)*    id:\n        callee\n/);
});

test('printDocs prints every function starting with the name, with its raw docstring', async () => {
  const { caller, io } = await localCaller('test.pin');
  await caller.printDocs();
  assert.match(io.stdout(), /^test\.ping:\n\n    Used to make sure the minion is up and responding\. Not an ICMP ping\.\n(?:.*\n)*    \n\n$/);
  assert.doesNotMatch(io.stdout(), /test\.echo:/);
});

test('isLocalCall: --local, file_client local or master_type disable', () => {
  assert.equal(isLocalCall({ local: true }), true);
  assert.equal(isLocalCall({ file_client: 'local' }), true);
  assert.equal(isLocalCall({ master_type: 'disable' }), true);
  assert.equal(isLocalCall({ file_client: 'remote', local: false }), false);
});

/** A stand-in master: records what is sent, serves a pillar. */
function fakeMaster(pillar: Record<string, unknown> = {}): MasterLink & { sent: Record<string, unknown>[]; closed: boolean } {
  const link = {
    sent: [] as Record<string, unknown>[],
    closed: false,
    fetchPillar: async () => pillar,
    send: async (load: Record<string, unknown>) => {
      link.sent.push(load);
      return true;
    },
    close: () => {
      link.closed = true;
    },
  };
  return link;
}

test('with a master: the pillar comes from it and the return goes to it as a _return with jid req', async () => {
  const master = fakeMaster({ role: 'web' });
  const io = capture();
  const caller = await Caller.create(baseOpts({ local: false, file_client: 'remote', fun: 'test.echo', arg: ['hi'] }), { io: io.io, master });
  assert.deepEqual(caller.loader.pillar, { role: 'web' });
  const ret = await caller.call();
  assert.equal(master.sent.length, 1);
  const load = master.sent[0]!;
  assert.equal(load.cmd, '_return');
  assert.equal(load.jid, 'req');
  assert.equal(load.id, 'callee');
  assert.equal(load.fun, 'test.echo');
  assert.deepEqual(load.fun_args, ['hi']);
  assert.equal(load.return, 'hi');
  assert.equal(load.retcode, 0);
  assert.equal(ret.jid === 'req', false, 'the printed ret keeps its own jid');
  caller.close();
  assert.equal(master.closed, true);
});

test('with a master, functions can fire events on the master bus (_minion_event)', async () => {
  const master = fakeMaster();
  const caller = await Caller.create(baseOpts({ local: false, file_client: 'remote', fun: 'test.ping', arg: [] }), { io: capture().io, master });
  await caller.loader.fireMaster!('my/tag', { a: 1 });
  assert.deepEqual(master.sent[0], { cmd: '_minion_event', id: 'callee', tag: 'my/tag', data: { a: 1 }, pretag: null });
  const local = await localCaller('test.ping');
  assert.equal(local.caller.loader.fireMaster, undefined);
});

test('no_return_event keeps the return from the master', async () => {
  const master = fakeMaster();
  const caller = await Caller.create(baseOpts({ local: false, file_client: 'remote', no_return_event: true, fun: 'test.ping', arg: [] }), { io: capture().io, master });
  await caller.call();
  assert.equal(master.sent.length, 0);
});

test('a return the master does not take is not an error', async () => {
  const master = fakeMaster();
  master.send = async () => {
    throw new Error('no reply');
  };
  const caller = await Caller.create(baseOpts({ local: false, file_client: 'remote', fun: 'test.ping', arg: [] }), { io: capture().io, master });
  assert.equal((await caller.call()).return, true);
});
