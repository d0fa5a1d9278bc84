import assert from 'node:assert/strict';
import { test } from 'node:test';
import { argsCases } from '../args/_conformance.js';
import { pyRepr } from '../args/py_repr.js';
import { parseSaltArgv, saltParserSpec } from './salt_options.js';

for (const c of argsCases('cli_publish')) {
  test(`cli_publish conformance ${c.id}`, () => {
    const got = parseSaltArgv(c.input['argv'] as string[], { env: {} });
    if ('exit_code' in c.expected) {
      assert.equal(got.ok, false);
      if (got.ok) return;
      assert.equal(got.exitCode, c.expected['exit_code']);
      assert.equal(got.stderr, c.expected['stderr']);
      return;
    }
    assert.ok(got.ok && got.action === 'publish', JSON.stringify(got));
    assert.deepStrictEqual(got.tgt, c.expected['tgt']);
    assert.equal(got.tgtType, c.expected['tgt_type']);
    assert.deepStrictEqual(got.fun, c.expected['fun']);
    assert.equal(pyRepr(got.arg), c.expected['repr']);
    assert.deepStrictEqual(got.arg, c.expected['arg']);
  });
}

function publish(argv: string[]) {
  const got = parseSaltArgv(argv, { env: {} });
  assert.ok(got.ok && got.action === 'publish', JSON.stringify(got));
  return got;
}

function failure(argv: string[]) {
  const got = parseSaltArgv(argv, { env: {} });
  assert.ok(!got.ok, JSON.stringify(got));
  return got;
}

const USAGE = "Usage: salt [options] '<target>' <function> [arguments]\n\n";

test('every flag sets the config option named by its dest, and explicit lists only given ones', () => {
  const got = publish(['-t', '30', '--out=json', '--out-indent', '2', '-s', '--async', '--return', 'redis', '*', 'test.ping']);
  assert.equal(got.options.timeout, 30);
  assert.equal(got.options.output, 'json');
  assert.equal(got.options.output_indent, 2);
  assert.equal(got.options.static, true);
  assert.equal(got.options.async, true);
  assert.equal(got.options.return, 'redis');
  assert.equal(got.options.show_timeout, true);
  assert.deepStrictEqual([...got.explicit].sort(), ['async', 'output', 'output_indent', 'return', 'static', 'timeout']);
});

test('no flag is listed twice in the option table', () => {
  const spec = saltParserSpec({});
  const flags = [...spec.options, ...spec.groups.flatMap((g) => g.options)].flatMap((o) => o.flags);
  assert.equal(new Set(flags).size, flags.length);
});

test('long options may be abbreviated to a unique prefix; ambiguous ones are errors', () => {
  assert.equal(publish(['--out-ind', '4', '*', 'x.y']).options.output_indent, 4);
  assert.equal(
    failure(['--st', '*', 'x']).stderr,
    `${USAGE}salt: error: ambiguous option: --st (--state-output, --state-verbose, --state_output, --state_verbose, --static?)\n`,
  );
  assert.equal(failure(['--bogus', '*', 'x']).stderr, `${USAGE}salt: error: no such option: --bogus\n`);
});

test('short options cluster and take glued values; -- ends options', () => {
  const got = publish(['-vst30', '*', 'cmd.run', '--', '-l']);
  assert.equal(got.options.verbose, true);
  assert.equal(got.options.static, true);
  assert.equal(got.options.timeout, 30);
  assert.deepStrictEqual(got.arg, ['-l']);
});

test('options after the target are still options (interspersed), as in optparse', () => {
  assert.equal(publish(['*', 'test.ping', '-t', '9']).options.timeout, 9);
});

test('bad values exit 64 with optparse messages', () => {
  const t = failure(['-t', 'abc', '*', 'x']);
  assert.equal(t.exitCode, 64);
  assert.equal(t.stderr, `${USAGE}salt: error: option -t: invalid integer value: 'abc'\n`);
  assert.match(failure(['-l', 'loud', '*', 'x']).stderr, /option -l: invalid choice: 'loud' \(choose from 'all', 'debug'/);
  assert.equal(failure(['*', 'x', '-t']).stderr, `${USAGE}salt: error: -t option requires 1 argument\n`);
  assert.equal(failure(['--static=1', '*', 'x']).stderr, `${USAGE}salt: error: --static option does not take a value\n`);
  assert.equal(failure(['--batch-wait', 'x', '*', 'y']).stderr, `${USAGE}salt: error: option --batch-wait: invalid floating-point value: 'x'\n`);
});

test('--timeout takes optparse numbers: 0x hex and leading-zero octal', () => {
  assert.equal(publish(['-t', '0x10', '*', 'x']).options.timeout, 16);
  assert.equal(publish(['-t', '010', '*', 'x']).options.timeout, 8);
});

test('two targeting flags are mutually exclusive', () => {
  assert.equal(
    failure(['-E', '-L', '*', 'x']).stderr,
    `${USAGE}salt: error: The options --pcre/--list are mutually exclusive. Please only choose one of them\n`,
  );
});

test('targeting flags select the tgt_type', () => {
  assert.equal(publish(['-G', 'os:Debian', 'x']).tgtType, 'grain');
  assert.equal(publish(['-I', 'role:web', 'x']).tgtType, 'pillar');
  assert.equal(publish(['-S', '10.0.0.0/8', 'x']).tgtType, 'ipcidr');
  assert.equal(publish(['-N', 'group', 'x']).tgtType, 'nodegroup');
});

test('-L splits a space-separated list when there is no comma', () => {
  assert.deepStrictEqual(publish(['-L', 'a  b', 'x']).tgt, ['a', 'b']);
  assert.deepStrictEqual(publish(['-L', 'a, b', 'x']).tgt, ['a', 'b']);
});

test('compound command with more argument groups than functions exits 42', () => {
  const got = failure(['*', 'a.b,c.d', 'x,y,z']);
  assert.equal(got.exitCode, 42);
  assert.equal(got.stderr, 'Cannot execute compound command with more arguments than commands.\n');
});

test('no target prints the help and exits 42', () => {
  const got = failure([]);
  assert.equal(got.exitCode, 42);
  assert.equal(got.stderr, '\nCannot execute command without defining a target.\n\n');
  assert.ok(got.stdout.startsWith(USAGE));
});

test('--help and --version print to stdout and exit 0', () => {
  const help = failure(['--help']);
  assert.equal(help.exitCode, 0);
  assert.ok(help.stdout.startsWith(USAGE));
  assert.match(help.stdout, /\n  -t TIMEOUT, --timeout=TIMEOUT\n {24}Change the timeout/);
  assert.match(help.stdout, /\n  Target Options:\n    Target selection options.\n\n    -H, --hosts/);
  const version = failure(['--version']);
  assert.deepStrictEqual([version.exitCode, version.stdout], [0, 'salt 3006.10\n']);
});

test('-d turns the call into sys.doc for the named function', () => {
  const got = publish(['-d', '*', 'test.ping']);
  assert.equal(got.fun, 'sys.doc');
  assert.deepStrictEqual(got.arg, ['test.ping']);
  assert.equal(failure(['-d', '*', 'a.b', 'c.d']).stderr, `${USAGE}salt: error: You can only get documentation for one method at one time.\n`);
});

test('--config-dump and --versions-report are actions of their own', () => {
  assert.deepStrictEqual(
    (({ ok, action }) => ({ ok, action }))(parseSaltArgv(['--config-dump', '*', 'x'], { env: {} }) as { ok: boolean; action: string }),
    { ok: true, action: 'config-dump' },
  );
  const v = parseSaltArgv(['-V'], { env: {} });
  assert.ok(v.ok && v.action === 'versions-report');
});

test('environment defaults: SALT_CONFIG_DIR, SALT_NO_PARSE, SALT_HARD_CRASH', () => {
  const got = parseSaltArgv(['*', 'x', 'a=1'], { env: { SALT_CONFIG_DIR: '/tmp/c', SALT_NO_PARSE: 'a', SALT_HARD_CRASH: '1' } });
  assert.ok(got.ok && got.action === 'publish');
  assert.equal(got.options.config_dir, '/tmp/c');
  assert.equal(got.options.hard_crash, true);
  assert.deepStrictEqual(got.arg, [{ __kwarg__: true, a: '1' }]);
});

test('--state-verbose true becomes a bool and --log-file of a bare name is made relative', () => {
  const got = publish(['--state-verbose', 'true', '--log-file', 'x.log', '*', 'y']);
  assert.equal(got.options.state_verbose, true);
  assert.equal(got.options.log_file, './x.log');
});
