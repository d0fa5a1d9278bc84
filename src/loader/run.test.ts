import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseInput } from '../args/parse.js';
import { PyFloat } from '../protocol/pytypes.js';
import { loadCases } from '../../test/support/conformance.js';
import { defineFunction } from './define.js';
import { CommandExecutionError, CommandNotFoundError, SaltInvocationError } from './errors.js';
import { Loader } from './loader.js';
import { deriveRetcode, runFunction } from './run.js';
import type { SaltModule } from './types.js';
import { pyRepr } from '../args/py_repr.js';

const probe: SaltModule = {
  name: 'probe',
  functions: {
    value: defineFunction({ args: ['v'], doc: 'Returns v.' }, ({ v }) => v),
    cee: defineFunction({ doc: 'Fails.' }, () => {
      throw new CommandExecutionError('disk on fire');
    }),
    sie: defineFunction({ doc: 'Bad call.' }, () => {
      throw new SaltInvocationError('name is required');
    }),
    cnf: defineFunction({ doc: 'Needs a binary.' }, () => {
      throw new CommandNotFoundError('foo');
    }),
    boom: defineFunction({ doc: 'Crashes.' }, () => {
      throw new RangeError('out of range');
    }),
    retcode: defineFunction({ args: ['code'], doc: 'Sets retcode.' }, ({ code }, ctx) => {
      ctx.context.retcode = code;
      return { result: true };
    }),
    pretty: defineFunction({ doc: 'Has an outputter.', outputter: 'highstate' }, () => ({})),
  },
};

function probeLoader(): Loader {
  return new Loader({ opts: { id: 'm1' }, builtins: { probe: [async () => ({ default: probe })] } });
}

test("a missing function returns Salt's not-available text with retcode 1 and out nested", async () => {
  const r = await runFunction(probeLoader(), 'probe.nope', []);
  assert.deepEqual(r, { return: "'probe.nope' is not available.", retcode: 1, success: false, out: 'nested' });
});

test('a missing function whose name prefixes others returns their docs plus the not-available text', async () => {
  const r = await runFunction(probeLoader(), 'probe.val', []);
  assert.deepEqual(r.return, { 'probe.value': '\n    Returns v.\n    ', 'probe.val': "'probe.val' is not available." });
  assert.equal(r.retcode, 1);
  assert.equal(r.out, 'nested');
});

test('arguments that do not fit give "Passed invalid arguments" with the docstring', async () => {
  const r = await runFunction(probeLoader(), 'probe.value', [1, 2]);
  assert.equal(r.return, 'Passed invalid arguments to probe.value: value() takes 1 positional argument but 2 were given\n\n    Returns v.\n    ');
  assert.equal(r.retcode, 1);
  assert.equal(r.success, false);
  assert.equal(r.out, 'nested');
});

test('invalid keyword arguments give "ERROR executing" with the load_args message', async () => {
  const r = await runFunction(probeLoader(), 'probe.value', [1, { __kwarg__: true, bad: 2 }]);
  assert.equal(r.return, "ERROR executing 'probe.value': The following keyword arguments are not valid: bad=2");
  assert.equal(r.retcode, 1);
});

test('function errors map to Salt texts: CommandExecutionError, SaltInvocationError, CommandNotFoundError', async () => {
  const loader = probeLoader();
  assert.equal((await runFunction(loader, 'probe.cee', [])).return, 'ERROR: disk on fire');
  assert.equal((await runFunction(loader, 'probe.sie', [])).return, "ERROR executing 'probe.sie': name is required");
  assert.equal((await runFunction(loader, 'probe.cnf', [])).return, "Command required for 'probe.cnf' not found: foo");
});

test('other exceptions give the minion traceback text ending in the exception line', async () => {
  const r = await runFunction(probeLoader(), 'probe.boom', []);
  const text = String(r.return);
  assert.ok(text.startsWith('The minion function caused an exception: Traceback (most recent call last):\n'), text);
  assert.ok(text.endsWith('RangeError: out of range\n'), text);
  assert.equal(r.retcode, 1);
  assert.equal(r.out, 'nested');
});

test('published args bind: __kwarg__ maps and k=v strings become keywords', async () => {
  const loader = probeLoader();
  assert.equal((await runFunction(loader, 'probe.value', [{ __kwarg__: true, v: 'kw' }])).return, 'kw');
  assert.equal((await runFunction(loader, 'probe.value', ['v=str'])).return, 'str');
  assert.equal((await runFunction(loader, 'probe.value', ['plain'])).return, 'plain');
});

test('functions with **kwargs get the publish data as __pub_* keywords', async () => {
  const loader = new Loader({ opts: {} });
  const pub = { jid: '20250101000000000001', fun: 'test.kwarg', tgt: 'm1', tgt_type: 'glob', user: 'root' };
  const r = await runFunction(loader, 'test.kwarg', ['a=1'], pub);
  assert.deepEqual(r.return, {
    a: 1,
    __pub_jid: '20250101000000000001',
    __pub_fun: 'test.kwarg',
    __pub_tgt: 'm1',
    __pub_tgt_type: 'glob',
    __pub_user: 'root',
  });
});

test('retcode comes from __context__ first, then a false result/success in a returned map', async () => {
  const loader = probeLoader();
  const viaContext = await runFunction(loader, 'probe.retcode', [3]);
  assert.equal(viaContext.retcode, 3);
  assert.equal(viaContext.success, false);
  for (const [ret, expected] of [
    [{ result: false }, 1],
    [{ success: false }, 1],
    [{ result: null }, 1],
    [{ result: true, success: '' }, 1],
    [{ result: true }, 0],
    [{ other: false }, 0],
    [[false], 0],
    [false, 0],
    ['result', 0],
  ] as const) {
    const r = await runFunction(loader, 'probe.value', [{ __kwarg__: true, v: ret }]);
    assert.equal(r.retcode, expected, `return ${JSON.stringify(ret)}`);
    assert.equal(r.success, expected === 0);
  }
  assert.equal(deriveRetcode({ retcode: 0 }, { result: new PyFloat(0) }), 1);
});

test("a function's declared outputter is reported as out", async () => {
  const r = await runFunction(probeLoader(), 'probe.pretty', []);
  assert.deepEqual(r, { return: {}, retcode: 0, success: true, out: 'highstate' });
});

test('each job starts with a fresh __context__ retcode of 0', async () => {
  const loader = probeLoader();
  await runFunction(loader, 'probe.retcode', [5]);
  assert.equal((await runFunction(loader, 'probe.value', [1])).retcode, 0);
});

// Real `salt-call --local test.arg_repr ...` runs: what the function received.
for (const c of loadCases('cli', 'args.json').filter((c) => c.input.kind === 'salt_call')) {
  test(`conformance ${c.id}: test.arg_repr receives what Salt's receives`, async () => {
    const loader = new Loader({ opts: {} });
    const published = parseInput(c.input.argv.slice(1));
    const data = { fun: 'test.arg_repr', jid: '20250101000000000002', pid: process.pid, tgt: 'local' };
    const r = await runFunction(loader, 'test.arg', published, data);
    const { args, kwargs } = r.return as { args: unknown[]; kwargs: Record<string, unknown> };
    const pubNames = Object.keys(kwargs).filter((k) => k.startsWith('__pub_')).sort();
    const userKwargs = Object.fromEntries(Object.entries(kwargs).filter(([k]) => !k.startsWith('__pub_')));
    assert.equal(`(${pyRepr(args)}, ${pyRepr(userKwargs)})`, c.expected.repr);
    assert.deepEqual(pubNames, [...c.expected.pub_kwarg_names].sort());
    const viaRepr = await runFunction(loader, 'test.arg_repr', published, data);
    assert.equal(r.retcode, 0);
    assert.match(String((viaRepr.return as { args: string }).args), /^\(/);
  });
}
