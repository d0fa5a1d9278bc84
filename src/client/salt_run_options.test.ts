import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseSaltRunArgv } from './salt_run_options.js';

const env = {};

test('the function and its words are split off; options may come anywhere', () => {
  const r = parseSaltRunArgv(['jobs.lookup_jid', '-t', '30', '20250101000000000000', '--out', 'json'], { env });
  assert.ok(r.ok);
  assert.equal(r.fun, 'jobs.lookup_jid');
  assert.deepEqual(r.arg, ['20250101000000000000']);
  assert.equal(r.options.timeout, 30);
  assert.equal(r.options.output, 'json');
  assert.deepEqual([...r.explicit].sort(), ['output', 'timeout']);
});

test('defaults: timeout 1, no async, no_parse from SALT_NO_PARSE', () => {
  const r = parseSaltRunArgv(['manage.up'], { env: { SALT_NO_PARSE: 'a, b' } });
  assert.ok(r.ok);
  assert.equal(r.options.timeout, 1);
  assert.equal(r.options.async, false);
  assert.deepEqual(r.options.no_parse, ['a', 'b']);
});

test('an invalid --jid is a usage error naming it', () => {
  const r = parseSaltRunArgv(['--jid', 'abc', 'test.foo'], { env });
  assert.equal(r.ok, false);
  if (r.ok) return;
  assert.equal(r.exitCode, 64);
  assert.equal(r.stderr, "Usage: salt-run [options] <function> [arguments]\n\nsalt-run: error: 'abc' is not a valid JID\n");
});

test('-d takes one name at most', () => {
  const r = parseSaltRunArgv(['-d', 'jobs', 'manage'], { env });
  assert.equal(r.ok, false);
  if (!r.ok) assert.match(r.stderr, /salt-run: error: You can only get documentation for one method at one time\n$/);
});

test("--help lists Salt's groups in order, --quiet in its own Output Options group", () => {
  const r = parseSaltRunArgv(['--help'], { env, columns: 80 });
  assert.equal(r.ok, false);
  if (r.ok) return;
  assert.equal(r.exitCode, 0);
  const titles = r.stdout.split('\n').filter((l) => /^  [A-Z].*:$/.test(l));
  assert.deepEqual(titles, ['  External Authentication:', '  Output Options:', '  Profiling support:', '  Output Options:', '  Logging Options:']);
  assert.match(r.stdout, /^Usage: salt-run \[options\] <function> \[arguments\]\n\nsalt-run is the frontend command for executing Salt Runners. Salt Runners are\nmodules used to execute convenience functions on the Salt Master\n/);
  assert.match(r.stdout, /-t TIMEOUT, --timeout=TIMEOUT\n\s+Change the timeout, if applicable, for the running\n\s+command \(in seconds\). Default: 1\./);
});

test('--version prints salt-run and the version', () => {
  const r = parseSaltRunArgv(['--version'], { env });
  assert.equal(r.ok, false);
  if (!r.ok) assert.match(r.stdout, /^salt-run 3006\.\d+\n$/);
});

test('--args-stdin adds the lines as words', () => {
  const r = parseSaltRunArgv(['--args-stdin', 'test.arg'], { env, stdinLines: ['a=1', '--out=json'] });
  assert.ok(r.ok);
  assert.deepEqual(r.arg, ['a=1']);
  assert.equal(r.options.output, 'json');
});
