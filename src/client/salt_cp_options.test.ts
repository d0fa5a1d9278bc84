import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseSaltCpArgv, pyRealpath, saltCpParserSpec } from './salt_cp_options.js';

const env = {};
const same = (p: string): string => p;

test('salt-cp TARGET SRC... DEST: the last word is the destination, sources are made real paths', () => {
  const r = parseSaltCpArgv(['web*', 'a.txt', '/etc/b', '/tmp/dest'], { env, realpath: (p) => `/real/${p}` });
  assert.ok(r.ok);
  assert.equal(r.tgt, 'web*');
  assert.equal(r.tgtType, null);
  assert.deepEqual(r.src, ['/real/a.txt', '/real//etc/b']);
  assert.equal(r.dest, '/tmp/dest');
  assert.equal(r.options.timeout, 5);
  assert.equal(r.options.chunked, false);
  assert.equal(r.options.gzip, true);
});

test('salt-cp -C is --chunked and -n turns gzip off', () => {
  const r = parseSaltCpArgv(['-C', '-n', '*', 'a', 'b'], { env, realpath: same });
  assert.ok(r.ok);
  assert.equal(r.options.chunked, true);
  assert.equal(r.options.gzip, false);
  assert.ok(r.explicit.has('chunked'));
});

test('salt-cp target flags select the tgt_type; -L splits on commas or whitespace', () => {
  const l = parseSaltCpArgv(['-L', 'm1,m2', 'a', 'b'], { env, realpath: same });
  assert.ok(l.ok);
  assert.deepEqual(l.tgt, ['m1', 'm2']);
  assert.equal(l.tgtType, 'list');
  const ws = parseSaltCpArgv(['-L', 'm1 m2', 'a', 'b'], { env, realpath: same });
  assert.ok(ws.ok);
  assert.deepEqual(ws.tgt, ['m1', 'm2']);
  for (const [flag, type] of [['-E', 'pcre'], ['-G', 'grain'], ['-P', 'grain_pcre'], ['-N', 'nodegroup'], ['-R', 'range']]) {
    const r = parseSaltCpArgv([flag!, 'x', 'a', 'b'], { env, realpath: same });
    assert.ok(r.ok, flag);
    assert.equal(r.tgtType, type);
  }
});

test('salt-cp has no compound (-I, -S) targeting: those flags are errors', () => {
  const r = parseSaltCpArgv(['-S', '10.0.0.0/8', 'a', 'b'], { env, realpath: same });
  assert.ok(!r.ok);
  assert.equal(r.exitCode, 64);
  assert.match(r.stderr, /salt-cp: error: no such option: -S/);
});

test('salt-cp with one argument prints the help, then Insufficient arguments (exit 64)', () => {
  const r = parseSaltCpArgv(['*'], { env, realpath: same });
  assert.ok(!r.ok);
  assert.equal(r.exitCode, 64);
  assert.match(r.stdout, /^Usage: salt-cp \[options\] '<target>' SOURCE DEST/);
  assert.match(r.stderr, /salt-cp: error: Insufficient arguments\n$/);
});

test('salt-cp refuses two target flags at once', () => {
  const r = parseSaltCpArgv(['-E', '-L', 'x', 'a', 'b'], { env, realpath: same });
  assert.ok(!r.ok);
  assert.match(r.stderr, /The options --pcre\/--list are mutually exclusive/);
});

test('salt-cp --help lists its groups in Salt order with the File Options', () => {
  const r = parseSaltCpArgv(['--help'], { env, columns: 80 });
  assert.ok(!r.ok);
  assert.equal(r.exitCode, 0);
  const titles = [...r.stdout.matchAll(/^ {2}(\w[\w ]+):$/gm)].map((m) => m[1]);
  assert.deepEqual(titles, ['Target Options', 'Additional Target Options', 'Output Options', 'File Options', 'Logging Options']);
  assert.match(r.stdout, /-C, --chunked/);
  assert.match(r.stdout, /-n, --no-compression/);
  assert.match(r.stdout, /Print the output from the 'salt-cp' command/);
  const spec = saltCpParserSpec(env);
  assert.deepEqual(spec.groups[0]!.options.map((o) => o.flags[0]), ['-H', '-E', '-L', '-G', '-P', '-N', '-R']);
});

test('pyRealpath resolves what exists and keeps the rest, like os.path.realpath', () => {
  assert.equal(pyRealpath('/'), '/');
  assert.equal(pyRealpath('/nonexistent-dir-xyz/file'), '/nonexistent-dir-xyz/file');
  assert.equal(pyRealpath('/tmp/../tmp/x/../y'), `${pyRealpath('/tmp')}/y`);
});
