import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { gunzipSync } from 'node:zlib';
import { createHash } from 'node:crypto';
import { handleFileServerCommand } from './server.js';

let dir: string;
let opts: Record<string, unknown>;
const big = randomBytes(1024 * 1024 * 2 + 12345);

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'fs-'));
  const base = join(dir, 'base');
  const dev = join(dir, 'dev');
  const outside = join(dir, 'outside');
  for (const d of [base, dev, outside, join(base, 'sub', 'deep'), join(base, 'empty'), join(dir, 'envs', 'qa')]) mkdirSync(d, { recursive: true });
  writeFileSync(join(base, 'top.sls'), 'base:\n  "*": [web]\n');
  writeFileSync(join(base, 'sub', 'a.txt'), 'hello\n');
  writeFileSync(join(base, 'sub', 'deep', 'b.sls'), 'x: 1\n');
  writeFileSync(join(base, 'big.bin'), big);
  writeFileSync(join(base, 'ignored.pyc'), 'nope');
  writeFileSync(join(dev, 'only-dev.txt'), 'dev\n');
  writeFileSync(join(outside, 'secret'), 'TOP SECRET\n');
  writeFileSync(join(dir, 'envs', 'qa', 'q.txt'), 'qa\n');
  writeFileSync(join(dir, 'master.pem'), 'KEY');
  symlinkSync(join(outside, 'secret'), join(base, 'escape'));
  symlinkSync(join(outside), join(base, 'escape-dir'));
  symlinkSync('sub/a.txt', join(base, 'inside-link'));
  opts = {
    file_roots: { base: [base], dev: [dev], __env__: [join(dir, 'envs', '__env__')] },
    cachedir: join(dir, 'cache'),
    file_ignore_glob: ['*.pyc'],
    file_recv: true,
    file_recv_max_size: 1,
  };
});

after(() => rmSync(dir, { recursive: true, force: true }));

const cmd = (c: string, load: Record<string, unknown>) => handleFileServerCommand(c, { cmd: c, ...load }, opts);

test('returns undefined for commands that are not file server commands', async () => {
  assert.equal(await cmd('_return', {}), undefined);
  assert.equal(await cmd('_pillar', {}), undefined);
});

test('_file_list lists the files of an env, sorted, ignoring file_ignore_glob and links leaving the root', async () => {
  assert.deepEqual(await cmd('_file_list', { saltenv: 'base', prefix: '' }), ['big.bin', 'inside-link', 'sub/a.txt', 'sub/deep/b.sls', 'top.sls']);
  assert.deepEqual(await cmd('_file_list', { saltenv: 'base', prefix: '/sub/' }), ['sub/a.txt', 'sub/deep/b.sls']);
  assert.deepEqual(await cmd('_file_list', { saltenv: 'dev' }), ['only-dev.txt']);
  assert.deepEqual(await cmd('_file_list', { saltenv: 'nope-env/../x' }), []);
  assert.deepEqual(await cmd('_file_list', {}), []);
});

test('_dir_list, _file_list_emptydirs and _symlink_list describe the tree', async () => {
  assert.deepEqual(await cmd('_dir_list', { saltenv: 'base' }), ['empty', 'sub', 'sub/deep']);
  assert.deepEqual(await cmd('_file_list_emptydirs', { saltenv: 'base' }), ['empty']);
  assert.deepEqual(await cmd('_symlink_list', { saltenv: 'base' }), { 'inside-link': 'sub/a.txt' });
});

test('_file_envs and _master_opts name the environments', async () => {
  assert.deepEqual(await cmd('_file_envs', {}), ['__env__', 'base', 'dev']);
  const mo = (await cmd('_master_opts', { env_only: true })) as Record<string, unknown>;
  assert.deepEqual(mo.file_roots, { __env__: [], base: [], dev: [] });
  assert.equal(mo.renderer, undefined);
  const full = (await cmd('_master_opts', {})) as Record<string, unknown>;
  assert.equal(full.renderer, 'jinja|yaml');
  assert.equal(full.state_top, 'top.sls');
});

test('_file_find reports path, rel, a 10-int stat and the backend', async () => {
  const fnd = (await cmd('_file_find', { path: 'sub/a.txt', saltenv: 'base' })) as Record<string, unknown>;
  assert.equal(fnd.path, join(dir, 'base', 'sub', 'a.txt'));
  assert.equal(fnd.rel, 'sub/a.txt');
  assert.equal(fnd.back, 'roots');
  assert.equal((fnd.stat as unknown[]).length, 10);
  assert.equal((fnd.stat as number[])[6], 6);
  assert.deepEqual(await cmd('_file_find', { path: 'missing', saltenv: 'base' }), { path: '', rel: '' });
});

test('_file_hash gives hash_type and hsum; missing files give ""', async () => {
  const h = (await cmd('_file_hash', { path: 'sub/a.txt', saltenv: 'base' })) as Record<string, unknown>;
  assert.deepEqual(Object.keys(h), ['hash_type', 'hsum']);
  assert.equal(h.hsum, createHash('sha256').update('hello\n').digest('hex'));
  assert.equal(await cmd('_file_hash', { path: 'nope', saltenv: 'base' }), '');
  const [hash, stat] = (await cmd('_file_hash_and_stat', { path: 'sub/a.txt', saltenv: 'base' })) as [Record<string, unknown>, unknown[]];
  assert.equal(hash.hsum, h.hsum);
  assert.equal(stat.length, 10);
  assert.deepEqual(await cmd('_file_hash_and_stat', { path: 'nope', saltenv: 'base' }), ['', null]);
});

test('the ?saltenv= query in the path wins over the load saltenv', async () => {
  const r = (await cmd('_serve_file', { path: 'only-dev.txt?saltenv=dev', saltenv: 'base', loc: 0 })) as Record<string, unknown>;
  assert.equal(Buffer.from(r.data as Buffer).toString(), 'dev\n');
  assert.equal(r.dest, 'only-dev.txt');
});

test('__env__ roots stand for any safe saltenv name', async () => {
  const r = (await cmd('_serve_file', { path: 'q.txt', saltenv: 'qa', loc: 0 })) as Record<string, unknown>;
  assert.equal(Buffer.from(r.data as Buffer).toString(), 'qa\n');
});

const NOT_FOUND = { data: '', dest: '' };

test('path traversal attempts are all refused', async () => {
  const attempts: Array<[string, string]> = [
    ['../outside/secret', 'base'],
    ['sub/../../outside/secret', 'base'],
    ['..', 'base'],
    [join(dir, 'outside', 'secret'), 'base'],
    ['/etc/passwd', 'base'],
    ['escape', 'base'],
    ['escape-dir/secret', 'base'],
    ['sub/a.txt\0', 'base'],
    ['sub/a.txt\0../../outside/secret', 'base'],
    ['secret?saltenv=../outside', 'base'],
    ['outside/secret?saltenv=..', 'base'],
    ['secret', '../outside'],
    ['master.pem', '..'],
    ['q.txt?saltenv=../../envs/qa', 'base'],
  ];
  for (const [path, saltenv] of attempts) {
    assert.deepEqual(await cmd('_serve_file', { path, saltenv, loc: 0 }), NOT_FOUND, `${JSON.stringify(path)} in ${saltenv}`);
    assert.equal(await cmd('_file_hash', { path, saltenv }), '', `hash of ${JSON.stringify(path)}`);
    assert.deepEqual(await cmd('_file_find', { path, saltenv }), { path: '', rel: '' });
  }
});

test('a symlink staying inside the root is served', async () => {
  const r = (await cmd('_serve_file', { path: 'inside-link', saltenv: 'base', loc: 0 })) as Record<string, unknown>;
  assert.equal(Buffer.from(r.data as Buffer).toString(), 'hello\n');
});

test('a bad loc or missing fields give the empty reply', async () => {
  assert.deepEqual(await cmd('_serve_file', { path: 'sub/a.txt', saltenv: 'base', loc: -1 }), NOT_FOUND);
  assert.deepEqual(await cmd('_serve_file', { path: 'sub/a.txt', saltenv: 'base' }), NOT_FOUND);
  assert.deepEqual(await cmd('_serve_file', { path: 'sub/a.txt', loc: 0 }), NOT_FOUND);
});

test('a file larger than file_buffer_size is served in 1 MiB chunks with its bytes intact', async () => {
  const parts: Buffer[] = [];
  let loc = 0;
  let calls = 0;
  for (;;) {
    const r = (await cmd('_serve_file', { path: 'big.bin', saltenv: 'base', loc })) as Record<string, unknown>;
    calls++;
    assert.equal(r.dest, 'big.bin');
    if (!r.data || (r.data as Buffer).length === 0) break;
    const chunk = r.data as Buffer;
    assert.ok(chunk.length <= 1048576);
    parts.push(chunk);
    loc += chunk.length;
  }
  assert.equal(calls, 4);
  assert.ok(Buffer.concat(parts).equals(big));
});

test('gzip chunks decompress to the same bytes', async () => {
  const r = (await cmd('_serve_file', { path: 'big.bin', saltenv: 'base', loc: 1048576, gzip: 6 })) as Record<string, unknown>;
  assert.equal(r.gzip, 6);
  assert.ok(gunzipSync(r.data as Buffer).equals(big.subarray(1048576, 2 * 1048576)));
});

test('_file_recv writes pushed chunks under cachedir/minions/<id>/files', async () => {
  const load = { id: 'm1', path: ['tmp', 'up.bin'], size: 6 };
  assert.equal(await cmd('_file_recv', { ...load, loc: 0, data: 'abc' }), true);
  assert.equal(await cmd('_file_recv', { ...load, loc: 3, data: Buffer.from([0xff, 0x00, 0x80]) }), true);
  assert.deepEqual(readFileSync(join(dir, 'cache', 'minions', 'm1', 'files', 'tmp', 'up.bin')), Buffer.from([0x61, 0x62, 0x63, 0xff, 0x00, 0x80]));
});

test('_file_recv refuses bad ids, escaping paths, oversize chunks and file_recv: False', async () => {
  const ok = { id: 'm1', path: ['x'], loc: 0, data: 'a' };
  assert.equal(await cmd('_file_recv', { ...ok, id: '../m2' }), false);
  assert.equal(await cmd('_file_recv', { ...ok, id: '..' }), false);
  assert.equal(await cmd('_file_recv', { ...ok, path: ['..', '..', '..', 'evil'] }), false);
  assert.equal(await cmd('_file_recv', { ...ok, path: ['a', '..', '..', 'evil'] }), false);
  assert.equal(await cmd('_file_recv', { ...ok, path: 'x' }), false);
  assert.equal(await cmd('_file_recv', { ...ok, path: ['x\0y'] }), false);
  assert.equal(await cmd('_file_recv', { ...ok, loc: -5 }), false);
  assert.equal(await cmd('_file_recv', { ...ok, loc: 1024 * 1024 }), false);
  assert.equal(existsSync(join(dir, 'cache', 'evil')), false);
  assert.equal(await handleFileServerCommand('_file_recv', ok, { ...opts, file_recv: false }), false);
});
