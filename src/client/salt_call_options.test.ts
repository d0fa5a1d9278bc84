import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseSaltCallArgv, type SaltCallParse, type SaltCallRun } from './salt_call_options.js';

const parse = (argv: string[], lines?: string[]): SaltCallParse =>
  parseSaltCallArgv(argv, { env: {}, columns: 80, readStdinLines: lines ? () => lines : undefined });

function ok(argv: string[], lines?: string[]): SaltCallRun {
  const r = parse(argv, lines);
  assert.ok(r.ok, `expected a run for ${argv.join(' ')}: ${r.ok ? '' : r.stderr}`);
  return r;
}

function usageError(argv: string[], message: string): void {
  const r = parse(argv);
  assert.equal(r.ok, false);
  if (r.ok) return;
  assert.equal(r.exitCode, 64);
  assert.equal(r.stderr, `Usage: salt-call [options] <function> [arguments]\n\nsalt-call: error: ${message}\n`);
}

test('a function call gives the function and its raw argument words', () => {
  const r = ok(['test.arg', '1', 'two', 'kw=3']);
  assert.equal(r.action, 'call');
  assert.equal(r.fun, 'test.arg');
  assert.deepEqual(r.arg, ['1', 'two', 'kw=3']);
});

test('options may come between and after the arguments', () => {
  const r = ok(['test.arg', '--local', '1', '--out', 'json', 'x=y']);
  assert.equal(r.options.local, true);
  assert.equal(r.options.output, 'json');
  assert.deepEqual(r.arg, ['1', 'x=y']);
});

test('-- ends the options so an argument may start with a dash', () => {
  const r = ok(['test.echo', '--', '--not-an-option']);
  assert.deepEqual(r.arg, ['--not-an-option']);
});

test('defaults: config dir /etc/salt, timeout 60 as auth_timeout, nothing explicit', () => {
  const r = ok(['test.ping']);
  assert.equal(r.options.config_dir, '/etc/salt');
  assert.equal(r.options.auth_timeout, 60);
  assert.equal(r.options.local, false);
  assert.equal(r.options.retcode_passthrough, false);
  assert.equal(r.options.print_metadata, false);
  assert.equal(r.options.metadata, null);
  assert.equal(r.options.id, '');
  assert.deepEqual(r.options.no_parse, []);
  assert.deepEqual(r.options.module_dirs, []);
  assert.equal(r.explicit.size, 0);
});

test('SALT_CONFIG_DIR and SALT_NO_PARSE set the defaults', () => {
  const r = parseSaltCallArgv(['test.ping'], { env: { SALT_CONFIG_DIR: '/srv/conf', SALT_NO_PARSE: 'a, b' } });
  assert.ok(r.ok);
  assert.equal(r.options.config_dir, '/srv/conf');
  assert.deepEqual(r.options.no_parse, ['a', 'b']);
});

test('each flag sets its config option and is recorded as explicit', () => {
  const r = ok([
    '-c', '/tmp/conf', '-t', '30', '--id', 'web1', '--master', 'm.example', '--return', 'a,b', '--local',
    '--retcode-passthrough', '--metadata', '--set-metadata', '{a: 1}', '--skip-grains', '--no-return-event',
    '--file-root', 'fr', '--pillar-root', 'pr', '--states-dir', 'sd', '--no-parse', 'x,y', '-l', 'debug',
    '--out-indent', '2', '--out-file', 'o.txt', '--out-file-append', '--no-color', '--state-output', 'terse',
    '--state-verbose', 'false', '--module-executors', '[direct_call]', 'test.ping',
  ]);
  const o = r.options;
  assert.equal(o.config_dir, '/tmp/conf');
  assert.equal(o.auth_timeout, 30);
  assert.equal(o.id, 'web1');
  assert.equal(o.master, 'm.example');
  assert.equal(o.return, 'a,b');
  assert.equal(o.local, true);
  assert.equal(o.retcode_passthrough, true);
  assert.equal(o.print_metadata, true);
  assert.equal(o.metadata, '{a: 1}');
  assert.equal(o.skip_grains, true);
  assert.equal(o.no_return_event, true);
  assert.equal(o.file_root, 'fr');
  assert.equal(o.pillar_root, 'pr');
  assert.equal(o.states_dir, 'sd');
  assert.deepEqual(o.no_parse, ['x', 'y']);
  assert.equal(o.log_level, 'debug');
  assert.equal(o.output_indent, 2);
  assert.equal(o.output_file, 'o.txt');
  assert.equal(o.output_file_append, true);
  assert.equal(o.no_color, true);
  assert.equal(o.state_output, 'terse');
  assert.equal(o.state_verbose, false);
  assert.equal(o.module_executors, '[direct_call]');
  for (const dest of ['config_dir', 'auth_timeout', 'id', 'master', 'local', 'print_metadata', 'metadata', 'log_level']) {
    assert.ok(r.explicit.has(dest), dest);
  }
  assert.ok(!r.explicit.has('force_color'));
});

test('-m may be given several times and keeps every value', () => {
  const r = ok(['-m', 'a', '--module-dirs', 'b,c', 'test.ping']);
  assert.deepEqual(r.options.module_dirs, ['a', 'b,c']);
  assert.deepEqual(ok(['test.ping']).options.module_dirs, [], 'a new parse starts with an empty list');
});

test('long options may be abbreviated to a unique prefix', () => {
  const r = ok(['--retcode', '--loc', 'test.ping']);
  assert.equal(r.options.retcode_passthrough, true);
  assert.equal(r.options.local, true);
});

test('-g gives the grains action and refuses arguments', () => {
  assert.equal(ok(['-g']).action, 'grains');
  usageError(['-g', 'test.ping'], '-g/--grains does not accept any arguments');
});

test('-d gives the doc action, with or without a name, and refuses two names', () => {
  const all = ok(['-d']);
  assert.equal(all.action, 'doc');
  assert.equal(all.fun, '');
  const one = ok(['--doc', 'test.ping']);
  assert.equal(one.action, 'doc');
  assert.equal(one.fun, 'test.ping');
  usageError(['-d', 'test.ping', 'test.echo'], 'You can only get documentation for one method at one time');
});

test('no function prints the help on stdout and a usage error, exit 64', () => {
  const r = parse([]);
  assert.equal(r.ok, false);
  if (r.ok) return;
  assert.equal(r.exitCode, 64);
  assert.match(r.stdout, /^Usage: salt-call \[options\] <function> \[arguments\]\n\nsalt-call is used to execute module functions locally on a Salt Minion\n/);
  assert.equal(r.stderr, 'Usage: salt-call [options] <function> [arguments]\n\nsalt-call: error: Requires function, --grains or --doc\n');
});

test('bad options exit 64 with optparse messages', () => {
  usageError(['--bogus', 'test.ping'], 'no such option: --bogus');
  usageError(['-t', 'soon', 'test.ping'], "option -t: invalid integer value: 'soon'");
  usageError(['-l', 'loud', 'test.ping'], "option -l: invalid choice: 'loud' (choose from 'all', 'debug', 'error', 'critical', 'garbage', 'info', 'profile', 'quiet', 'trace', 'warning')");
  usageError(['test.ping', '--out'], '--out option requires 1 argument');
  usageError(['--local=yes', 'test.ping'], '--local option does not take a value');
});

test('--version prints the program and Salt version, exit 0', () => {
  const r = parse(['--version']);
  assert.deepEqual(r, { ok: false, exitCode: 0, stdout: 'salt-call 3006.10\n', stderr: '' });
});

test('-V asks for the versions report even without a function', () => {
  assert.equal(ok(['-V']).action, 'versions-report');
});

test('--help lists the options in Salt\'s order, then the output, profiling and logging groups', () => {
  const r = parse(['--help']);
  assert.equal(r.ok, false);
  if (r.ok) return;
  assert.equal(r.exitCode, 0);
  const help = r.stdout;
  const order = [
    '  --version', '  -V, --versions-report', '  -h, --help', '  --saltfile=SALTFILE', '  -c CONFIG_DIR, --config-dir=CONFIG_DIR',
    '  --proxyid=PROXYID', '  --module-executors=EXECUTOR_LIST', '  --executor-opts=EXECUTOR_OPTS', '  --cachedir=CACHEDIR',
    '  --args-stdin', '  --hard-crash', '  --no-parse=argname1,argname2,...', '  -g, --grains',
    '  -m MODULE_DIRS, --module-dirs=MODULE_DIRS', '  -d, --doc, --documentation', '  --master=MASTER', '  --return=RETURNER',
    '  --local', '  --file-root=FILE_ROOT', '  --pillar-root=PILLAR_ROOT', '  --states-dir=STATES_DIR', '  --retcode-passthrough',
    '  --metadata', '  --set-metadata=METADATA', '  --id=ID', '  --skip-grains', '  --refresh-grains-cache', '  --no-return-event',
    '  -t AUTH_TIMEOUT, --timeout=AUTH_TIMEOUT', '  --output-diff', '  Output Options:', '    --out=OUTPUT, --output=OUTPUT',
    '  Profiling support:', '    --profiling-path=PROFILING_PATH', '  Logging Options:', '    -l LOG_LEVEL, --log-level=LOG_LEVEL',
  ];
  let at = -1;
  for (const line of order) {
    const i = help.indexOf(`\n${line}`, at + 1);
    assert.ok(i > at, `${JSON.stringify(line)} should follow the previous entry`);
    at = i;
  }
  assert.match(help, /Print the output from the 'salt-call' command using\n\s+the specified outputter\./);
  assert.match(help, /Log file path\. Default: '\/var\/log\/salt\/minion'\./);
  assert.match(help, /\nYou can find additional help about salt-call issuing "man salt-call" or on\nhttps:\/\/docs\.saltproject\.io\n$/);
});

test('--args-stdin reads more words from stdin; its values replace the command line\'s', () => {
  const r = ok(['--args-stdin', '--out', 'json', 'test.arg', 'a'], ['b', 'k=v', '--local']);
  assert.deepEqual(r.arg, ['a', 'b', 'k=v']);
  assert.equal(r.options.local, true);
  // optparse's values.update(): the second parse's default output (None) wins over --out json.
  assert.equal(r.options.output, null);
});
