import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseSaltCallArgv, type SaltCallRun } from '../client/salt_call_options.js';
import { buildCallOpts, main, mergeCliOptions } from './salt_call.js';

const root = mkdtempSync(join(tmpdir(), 'salt-ts-salt-call-'));
const confDir = join(root, 'etc', 'salt');
mkdirSync(confDir, { recursive: true });
writeFileSync(join(confDir, 'minion'), `root_dir: ${root}\nid: prog-test\nauth_timeout: 7\n`);
after(() => rmSync(root, { recursive: true, force: true }));

async function saltCall(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await main(args, { out: (s) => void (stdout += s), err: (s) => void (stderr += s) });
  return { code, stdout, stderr };
}

function parsed(argv: string[]): SaltCallRun {
  const p = parseSaltCallArgv(argv, { env: {} });
  assert.ok(p.ok);
  return p;
}

test('mergeCliOptions adds options missing from the config and overrides only explicit ones', () => {
  const config: Record<string, unknown> = { auth_timeout: 5, id: 'conf-id', master: 'salt' };
  const p = parsed(['--id', 'cli-id', 'test.ping']);
  mergeCliOptions(config, p.options as unknown as Record<string, unknown>, p.explicit);
  assert.equal(config.id, 'cli-id');
  assert.equal(config.auth_timeout, 5, 'the -t default does not replace the config value');
  assert.equal(config.master, 'salt');
  assert.equal(config.retcode_passthrough, false, 'a missing option is added with its default');
  assert.equal('output' in config, false, 'an option without a value is not added');
});

test('buildCallOpts applies --local, --master, -m, --file-root and sets fun and arg', () => {
  const p = parsed(['--local', '--master', 'm2', '-m', 'a,b', '-m', 'c', '--file-root', 'srv', '-t', '9', 'test.arg', 'x']);
  const opts = buildCallOpts(p, { file_client: 'remote', master: 'salt', auth_timeout: 5, module_dirs: [] });
  assert.equal(opts.file_client, 'local');
  assert.equal(opts.master, 'm2');
  assert.deepEqual(opts.module_dirs, [resolve('a'), resolve('b'), resolve('c')]);
  assert.deepEqual(opts.file_roots, { base: [resolve('srv')] });
  assert.equal(opts.auth_timeout, 9);
  assert.equal(opts.fun, 'test.arg');
  assert.deepEqual(opts.arg, ['x']);
});

test('main runs a local call with the config of -c', async () => {
  const r = await saltCall(['-c', confDir, '--local', '--metadata', '--out', 'json', 'test.ping']);
  assert.equal(r.code, 0, r.stderr);
  const ret = JSON.parse(r.stdout).local;
  assert.equal(ret.id, 'prog-test');
  assert.equal(ret.return, true);
});

test('--out-file writes the output to the file, replacing it unless --out-file-append', async () => {
  const file = join(root, 'out.txt');
  writeFileSync(file, 'old\n');
  assert.equal((await saltCall(['-c', confDir, '--local', '--out-file', file, 'test.echo', 'one'])).stdout, '');
  assert.equal(readFileSync(file, 'utf8'), 'local:\n    one\n');
  await saltCall(['-c', confDir, '--local', '--out-file', file, '--out-file-append', 'test.echo', 'two']);
  assert.equal(readFileSync(file, 'utf8'), 'local:\n    one\nlocal:\n    two\n');
});

test('a missing config directory is warned about on stderr', async () => {
  const missing = join(root, 'nope');
  const r = await saltCall(['-c', missing, '--local', '--id', 'x', '--skip-grains', 'test.ping']);
  assert.match(r.stderr, new RegExp(`^WARNING: CONFIG '${missing}' directory does not exist\\.\\n`));
});

test('a broken config file is reported as an error, exit 1', async () => {
  const bad = join(root, 'bad');
  mkdirSync(bad, { recursive: true });
  writeFileSync(join(bad, 'minion'), 'id: [unclosed\n');
  const r = await saltCall(['-c', bad, '--local', 'test.ping']);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /^\[ERROR {3}\] /);
  assert.equal(r.stdout, '');
});

test('-d prints the docs of the functions starting with the name', async () => {
  const r = await saltCall(['-c', confDir, '--local', '-d', 'test.ech']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^test\.echo:\n\n    Return a string - used for testing the connection\n/);
});

test('--versions-report prints the report and exits 0', async () => {
  const r = await saltCall(['--versions-report']);
  assert.equal(r.code, 0);
  assert.match(r.stdout, /^Salt Version:\n {10}Salt: 3006\.10\n/);
});

test('usage errors exit 64 before any config is read', async () => {
  const r = await saltCall(['-c', join(root, 'nope'), '--bogus']);
  assert.equal(r.code, 64);
  assert.equal(r.stderr, 'Usage: salt-call [options] <function> [arguments]\n\nsalt-call: error: no such option: --bogus\n');
});
