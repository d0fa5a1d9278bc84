import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { registerMasterFileClient } from '../fileserver/remote_client.js';
import { handleFileServerCommand } from '../fileserver/server.js';
import { Loader } from '../loader/loader.js';
import { runFunction } from '../loader/run.js';
import { decodeWire, encodeWire } from '../protocol/payload.js';
import { registerRemoteFileClient } from '../state/file_client.js';

const dir = mkdtempSync(join(tmpdir(), 'cp-mod-'));
after(() => {
  registerRemoteFileClient(undefined);
  rmSync(dir, { recursive: true, force: true });
});
const srv = join(dir, 'srv');
mkdirSync(join(srv, 'web', 'files'), { recursive: true });
mkdirSync(join(dir, 'dev'), { recursive: true });
writeFileSync(join(srv, 'top.sls'), 'base: {}\n');
writeFileSync(join(srv, 'web', 'init.sls'), 'a: 1\n');
writeFileSync(join(srv, 'web', 'files', 'nginx.conf'), 'worker 1;\n');
writeFileSync(join(srv, 'motd'), 'hello {{ grains["id"] }}\n');
writeFileSync(join(dir, 'dev', 'dev.txt'), 'dev\n');
const fileRoots = { base: [srv], dev: [join(dir, 'dev')] };

const builtins = { cp: [() => import('./cp.js')] };
const kw = (o: Record<string, unknown>) => ({ __kwarg__: true, ...o });

function loaderFor(opts: Record<string, unknown>): (fun: string, arg?: unknown[]) => Promise<unknown> {
  const loader = new Loader({ opts: { id: 'm1', ...opts }, grains: { id: 'm1' }, pillar: {}, builtins });
  return async (fun, arg = []) => (await runFunction(loader, fun, arg)).return;
}

const local = loaderFor({ file_client: 'local', file_roots: fileRoots, cachedir: join(dir, 'local-cache') });

test('cp.list_master, list_master_dirs, list_states and envs over the local file_roots', async () => {
  assert.deepEqual(await local('cp.list_master'), ['motd', 'top.sls', 'web/files/nginx.conf', 'web/init.sls']);
  assert.deepEqual(await local('cp.list_master', [kw({ prefix: 'web/files' })]), ['web/files/nginx.conf']);
  assert.deepEqual(await local('cp.list_master', [kw({ saltenv: 'dev' })]), ['dev.txt']);
  assert.deepEqual(await local('cp.list_master_dirs'), ['web', 'web/files']);
  assert.deepEqual(await local('cp.list_states'), ['top', 'web']);
  assert.deepEqual(await local('cp.envs'), ['base', 'dev']);
});

test('cp.get_file copies a file, honours ?saltenv= and makedirs, and returns "" for a missing file', async () => {
  const dest = join(dir, 'out', 'a', 'nginx.conf');
  assert.equal(await local('cp.get_file', ['salt://web/files/nginx.conf', dest]), false);
  assert.equal(await local('cp.get_file', ['salt://web/files/nginx.conf', dest, kw({ makedirs: true })]), dest);
  assert.equal(readFileSync(dest, 'utf8'), 'worker 1;\n');
  assert.equal(await local('cp.get_file', ['salt://dev.txt?saltenv=dev', join(dir, 'out') + '/']), join(dir, 'out', 'dev.txt'));
  assert.equal(await local('cp.get_file', ['salt://nope', join(dir, 'out', 'nope')]), '');
});

test('cp.get_file with template=jinja renders the source and destination names', async () => {
  assert.equal(await local('cp.get_file', ['salt://{{ "motd" }}', join(dir, 'out', '{{ grains["id"] }}.txt'), kw({ template: 'jinja' })]), join(dir, 'out', 'm1.txt'));
});

test('cp.get_template renders the file content', async () => {
  const dest = join(dir, 'out', 'motd');
  assert.equal(await local('cp.get_template', ['salt://motd', dest]), dest);
  assert.equal(readFileSync(dest, 'utf8'), 'hello m1\n');
});

test('cp.cache_file, is_cached, hash_file and stat_file', async () => {
  const cached = join(dir, 'local-cache', 'files', 'base', 'web', 'init.sls');
  assert.equal(await local('cp.cache_file', ['salt://web/init.sls']), cached);
  assert.equal(await local('cp.is_cached', ['salt://web/init.sls']), cached);
  assert.equal(await local('cp.is_cached', ['salt://motd2']), '');
  assert.equal(await local('cp.cache_file', ['salt://missing']), false);
  assert.deepEqual(await local('cp.hash_file', ['salt://web/init.sls']), { hash_type: 'sha256', hsum: createHash('sha256').update('a: 1\n').digest('hex') });
  assert.equal(await local('cp.hash_file', ['salt://missing']), '');
  assert.match(String(await local('cp.stat_file', ['salt://web/init.sls'])), /^0[0-7]{3}$/);
  assert.deepEqual(await local('cp.cache_files', [['salt://motd', 'salt://nope']]), [join(dir, 'local-cache', 'files', 'base', 'motd'), false]);
});

test('cp.get_dir and cp.cache_dir copy a directory tree', async () => {
  assert.deepEqual(await local('cp.get_dir', ['salt://web', join(dir, 'tree')]), [join(dir, 'tree', 'web', 'files', 'nginx.conf'), join(dir, 'tree', 'web', 'init.sls')]);
  assert.deepEqual(await local('cp.cache_dir', ['salt://web', kw({ include_pat: '*.conf' })]), [join(dir, 'local-cache', 'files', 'base', 'web', 'files', 'nginx.conf')]);
});

test('cp.push needs a master when file_client is local', async () => {
  assert.match(String(await local('cp.push', [join(srv, 'motd')])), /needs a master/);
});

test('with file_client remote and no master file client, cp says so', async () => {
  registerRemoteFileClient(undefined);
  const remote = loaderFor({ file_client: 'remote', cachedir: join(dir, 'remote-cache') });
  assert.match(String(await remote('cp.list_master')), /No connection to the master file server/);
});

test('with a registered master file client, cp fetches from the master and pushes to it', async () => {
  const masterOpts = { file_roots: fileRoots, cachedir: join(dir, 'master-cache'), file_recv: true };
  registerMasterFileClient(async (load) => {
    const l = decodeWire(encodeWire(load)) as Record<string, unknown>;
    return decodeWire(encodeWire((await handleFileServerCommand(String(l.cmd), l, masterOpts)) ?? {}));
  });
  const remote = loaderFor({ file_client: 'remote', cachedir: join(dir, 'remote-cache') });
  assert.deepEqual(await remote('cp.list_master', [kw({ saltenv: 'dev' })]), ['dev.txt']);
  const dest = join(dir, 'remote-out.conf');
  assert.equal(await remote('cp.get_file', ['salt://web/files/nginx.conf', dest]), dest);
  assert.equal(readFileSync(dest, 'utf8'), 'worker 1;\n');
  const src = join(dir, 'pushme.txt');
  writeFileSync(src, 'pushed\n');
  assert.equal(await remote('cp.push', [src, kw({ upload_path: '/x/y.txt' })]), true);
  assert.equal(readFileSync(join(dir, 'master-cache', 'minions', 'm1', 'files', 'x', 'y.txt'), 'utf8'), 'pushed\n');
  assert.equal(await remote('cp.push_dir', [join(dir, 'dev')]), true);
  assert.ok(existsSync(join(dir, 'master-cache', 'minions', 'm1', 'files', dir.slice(1), 'dev', 'dev.txt')));
  registerRemoteFileClient(undefined);
});
