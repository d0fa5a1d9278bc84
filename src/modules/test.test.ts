import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Loader } from '../loader/loader.js';
import { runFunction } from '../loader/run.js';
import { PyFloat } from '../protocol/pytypes.js';
import { SALT_VERSION } from '../version.js';

const loader = new Loader({ opts: { id: 'm1', hash_type: 'sha256' }, grains: { os: 'Debian' } });
const run = (fun: string, arg: unknown[] = [], pub?: Record<string, unknown>) => runFunction(loader, fun, arg, pub);

test('test.ping, test.true and test.false return booleans; false does not fail the job', async () => {
  assert.deepEqual(await run('test.ping'), { return: true, retcode: 0, success: true });
  assert.equal((await run('test.true')).return, true);
  const f = await run('test.false');
  assert.equal(f.return, false);
  assert.equal(f.retcode, 0);
});

test('test.echo returns its argument and test.outputter its data', async () => {
  assert.equal((await run('test.echo', ['foo bar'])).return, 'foo bar');
  assert.deepEqual((await run('test.outputter', [{ __kwarg__: true, data: { a: [1] } }])).return, { a: [1] });
});

test('test.version reports the advertised Salt version and versions_report names it', async () => {
  assert.equal((await run('test.version')).return, SALT_VERSION);
  assert.equal(SALT_VERSION, '3006.10');
  const report = String((await run('test.versions_report')).return);
  assert.match(report, /^Salt Version:\n +Salt: 3006\.10\n/);
  assert.match(report, /System Versions:\n/);
});

test('test.arg returns args and kwargs, test.arg_repr their Python reprs', async () => {
  assert.deepEqual((await run('test.arg', [1, 'two', 'k=v'])).return, { args: [1, 'two'], kwargs: { k: 'v' } });
  const r = (await run('test.arg_repr', [1, 'x', 1.5, null, true])).return as Record<string, string>;
  assert.deepEqual(r, { args: "(1, 'x', 1.5, None, True)", kwargs: '{}' });
  assert.equal(((await run('test.arg_repr', ['only'])).return as Record<string, string>).args, "('only',)");
  assert.deepEqual((await run('test.arg_type', [1, 'a', 2.5, [1]])).return, {
    args: ["<class 'int'>", "<class 'str'>", "<class 'float'>", "<class 'list'>"],
    kwargs: {},
  });
});

test('test.arg_clean drops the __pub_* keywords that test.kwarg shows', async () => {
  const pub = { jid: '20250101000000000003', fun: 'test.kwarg' };
  assert.deepEqual((await run('test.kwarg', ['a=1'], pub)).return, { a: 1, __pub_jid: '20250101000000000003', __pub_fun: 'test.kwarg' });
  assert.deepEqual((await run('test.arg_clean', ['a=1'], pub)).return, { args: [], kwargs: { a: 1 } });
});

test('test.retcode sets the job retcode (42 by default)', async () => {
  assert.deepEqual(await run('test.retcode'), { return: true, retcode: 42, success: false });
  assert.equal((await run('test.retcode', [0])).retcode, 0);
});

test('test.exception raises a plain exception: the minion traceback text', async () => {
  const r = await run('test.exception', ['Oh noes!']);
  assert.match(String(r.return), /^The minion function caused an exception: Traceback \(most recent call last\):\n[\s\S]*Exception: Oh noes!\n$/);
  assert.equal(r.retcode, 1);
  const dflt = await run('test.exception');
  assert.match(String(dflt.return), /Exception: Test Exception\n$/);
});

test('test.raise_exception maps salt.exceptions names to Salt return texts', async () => {
  assert.equal((await run('test.raise_exception', ['salt.exceptions.CommandExecutionError', 'went wrong'])).return, 'ERROR: went wrong');
  assert.equal((await run('test.raise_exception', ['NoSuchThing'])).return, false);
});

test('test.fib returns the num-th Fibonacci number and a float duration', async () => {
  const r = (await run('test.fib', [10])).return as [number, unknown];
  assert.equal(r[0], 55);
  assert.ok(r[1] instanceof PyFloat || typeof r[1] === 'number');
  assert.equal(((await run('test.fib', ['1'])).return as unknown[])[0], 1);
  assert.match(String((await run('test.fib', [-1])).return), /ValueError: Negative number is not allowed!\n$/);
});

test('test.collatz returns the sequence with Python floats after the first halving', async () => {
  const [steps] = (await run('test.collatz', [3])).return as [unknown[], unknown];
  assert.deepEqual(steps.map((s) => (s instanceof PyFloat ? `${s.value}.0` : s)), [3, 10, '5.0', '16.0', '8.0', '4.0', '2.0']);
});

test('test.sleep returns True after the given seconds and stops when the job is aborted', async () => {
  const t0 = Date.now();
  assert.equal((await run('test.sleep', [0])).return, true);
  const ac = new AbortController();
  const pending = runFunction(loader, 'test.sleep', [30], undefined, { signal: ac.signal });
  setTimeout(() => ac.abort(), 50);
  const r = await pending;
  assert.equal(r.retcode, 1);
  assert.ok(Date.now() - t0 < 5000);
  assert.match(String((await run('test.sleep', ['x'])).return), /ValueError: invalid literal for int\(\) with base 10: 'x'/);
});

test('test.rand_sleep sleeps at most max seconds', async () => {
  assert.equal((await run('test.rand_sleep', [0])).return, true);
});

test('test.random_hash hashes with hash_type, defaulting to the minion hash_type option', async () => {
  assert.match(String((await run('test.random_hash')).return), /^[0-9a-f]{64}$/);
  assert.match(String((await run('test.random_hash', ['hash_type=md5'])).return), /^[0-9a-f]{32}$/);
  assert.match(String((await run('test.random_hash', ['hash_type=nope'])).return), /AttributeError: module 'hashlib' has no attribute 'nope'/);
});

test('test.provider names the file that provides a module', async () => {
  assert.equal((await run('test.provider', ['cmd'])).return, 'cmdmod');
  assert.equal((await run('test.provider', ['test'])).return, 'test');
  assert.equal((await run('test.provider', ['nosuch'])).return, '');
});

test('test.cross_test and test.try call other functions', async () => {
  assert.equal((await run('test.cross_test', ['test.echo', ['hi']])).return, 'hi');
  assert.equal((await run('test.try', ['module=test.exception'])).return, null);
});

test('test.get_opts and test.opts_pkg return the options (with grains)', async () => {
  assert.deepEqual((await run('test.get_opts')).return, { id: 'm1', hash_type: 'sha256' });
  assert.deepEqual((await run('test.opts_pkg')).return, { id: 'm1', hash_type: 'sha256', grains: { os: 'Debian' } });
});
