import assert from 'node:assert/strict';
import { test } from 'node:test';
import { argsCases } from './_conformance.js';
import { SaltInvocationError } from './errors.js';
import { loadArgsAndKwargs } from './load_args.js';
import { parseInput } from './parse.js';
import { pyRepr } from './py_repr.js';
import { parsePythonSignature } from './signature.js';

for (const c of argsCases('minion_load_args')) {
  test(`minion_load_args conformance ${c.id}`, () => {
    const sig = parsePythonSignature(c.input['signature'] as string);
    const call = () => loadArgsAndKwargs(sig, c.input['arg'] as unknown[], c.input['data'] as Record<string, unknown>);
    const error = c.expected['error'] as { type: string; message: string } | undefined;
    if (error) {
      assert.throws(call, (err: unknown) => {
        assert.ok(err instanceof SaltInvocationError);
        assert.equal(err.name, error.type);
        assert.equal(err.message, error.message);
        return true;
      });
      return;
    }
    const got = call();
    assert.equal(`(${pyRepr(got.args)}, ${pyRepr(got.kwargs)})`, c.expected['repr']);
    assert.deepStrictEqual(got.args, c.expected['args']);
    assert.deepStrictEqual(got.kwargs, c.expected['kwargs']);
  });
}

// salt-call --local test.arg_repr: parse_input on the CLI words, then load_args_and_kwargs for
// `def arg_repr(*args, **kwargs)` with the publish data salt-call builds.
for (const c of argsCases('salt_call')) {
  test(`salt_call conformance ${c.id}`, () => {
    const argv = c.input['argv'] as string[];
    const pubNames = c.expected['pub_kwarg_names'] as string[];
    const data = Object.fromEntries(pubNames.map((n) => [n.replace(/^__pub_/, ''), `value-of-${n}`]));
    const got = loadArgsAndKwargs(parsePythonSignature('def arg_repr(*args, **kwargs)'), parseInput(argv.slice(1)), data);
    const kwargs = Object.fromEntries(Object.entries(got.kwargs).filter(([k]) => !k.startsWith('__pub_')));
    assert.equal(`(${pyRepr(got.args)}, ${pyRepr(kwargs)})`, c.expected['repr']);
    assert.deepStrictEqual(got.args, c.expected['args']);
    assert.deepStrictEqual(kwargs, c.expected['kwargs']);
    assert.deepStrictEqual(Object.keys(got.kwargs).filter((k) => k.startsWith('__pub_')).sort(), pubNames);
  });
}

test('loadArgsAndKwargs accepts a kwarg naming a positional parameter without **kwargs', () => {
  const got = loadArgsAndKwargs({ args: ['name'] }, [{ __kwarg__: true, name: 'x' }], { jid: '1' });
  assert.deepStrictEqual(got, { args: [], kwargs: { name: 'x' } });
});

test('loadArgsAndKwargs with ignoreInvalid drops invalid kwargs instead of throwing', () => {
  const got = loadArgsAndKwargs({ args: [] }, ['a=1', 'b'], null, { ignoreInvalid: true });
  assert.deepStrictEqual(got, { args: ['b'], kwargs: {} });
});

test('loadArgsAndKwargs prints invalid values with Python str()', () => {
  assert.throws(
    () => loadArgsAndKwargs({ args: [] }, [{ __kwarg__: true, a: null, b: true, c: [1, 'x'] }]),
    { message: "The following keyword arguments are not valid: a=None, b=True, c=[1, 'x']" },
  );
});

test('loadArgsAndKwargs treats keyword-only parameters as invalid without **kwargs, like Salt', () => {
  assert.throws(() => loadArgsAndKwargs(parsePythonSignature('def f(a, *, b=1)'), ['b=2']), SaltInvocationError);
});
