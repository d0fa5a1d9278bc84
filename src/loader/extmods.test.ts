import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, test } from 'node:test';
import { localFileClient } from '../fileserver/remote_client.js';
import { executionModuleDirs, extensionModulesDir, listExtmods, syncExtensionModules, type SyncOptions } from './extmods.js';
import { Loader } from './loader.js';

let root: string;
let srv: string;
let opts: Record<string, unknown>;

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'salt-ts-extmods-'));
  srv = join(root, 'srv');
  mkdirSync(srv);
  opts = { file_roots: { base: [srv] }, cachedir: join(root, 'cache'), extension_modules: join(root, 'cache', 'extmods'), hash_type: 'sha256' };
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

function put(rel: string, text: string): void {
  mkdirSync(dirname(join(srv, rel)), { recursive: true });
  writeFileSync(join(srv, rel), text);
}

/** A fresh client each sync, as saltutil makes one per call (its listing is memoised). */
function sync(form: string, o: Partial<SyncOptions> = {}) {
  return syncExtensionModules(() => localFileClient(opts), opts, form, { saltenvs: ['base'], ...o });
}

const MOD_TS = (v: string) =>
  `import { defineFunction } from 'salt-ts';\nconst v: string = '${v}';\nexport default { name: 'mymod', functions: { ver: defineFunction({ doc: 'Version.' }, () => v) } };\n`;

test('sync copies JavaScript, transpiles TypeScript to .mjs and reports form.name', async () => {
  put('_modules/mymod.ts', MOD_TS('1'));
  put('_modules/other.js', "export default { name: 'other', functions: {} };\n");
  put('_modules/types.d.ts', 'export type T = 1;\n');
  put('_modules/README.txt', 'not a module');
  put('_modules/sub/deep.mjs', 'export default {};\n');
  const r = await sync('modules');
  assert.deepEqual(r, { synced: ['modules.mymod', 'modules.other', 'modules.sub.deep'], touched: true });
  const modDir = join(opts.extension_modules as string, 'modules');
  assert.deepEqual(readdirSync(modDir).sort(), ['mymod.mjs', 'other.js', 'sub']);
  assert.doesNotMatch(readFileSync(join(modDir, 'mymod.mjs'), 'utf8'), /: string|'salt-ts'/);
  assert.equal(readFileSync(join(modDir, 'other.js'), 'utf8'), "export default { name: 'other', functions: {} };\n");
  // .js files there are ES modules whatever the directories above say.
  assert.deepEqual(JSON.parse(readFileSync(join(opts.extension_modules as string, 'package.json'), 'utf8')), { type: 'module' });
  assert.equal(statSync(join(modDir, 'mymod.mjs')).mode & 0o777, 0o600);
});

test('a second sync reports nothing; a changed source is reported and rewritten', async () => {
  put('_modules/mymod.ts', MOD_TS('1'));
  await sync('modules');
  assert.deepEqual(await sync('modules'), { synced: [], touched: false });
  put('_modules/mymod.ts', MOD_TS('2'));
  assert.deepEqual((await sync('modules')).synced, ['modules.mymod']);
  assert.match(readFileSync(join(opts.extension_modules as string, 'modules', 'mymod.mjs'), 'utf8'), /'2'/);
});

test('modules removed from the file server are removed (clean_dynamic_modules), empty dirs too', async () => {
  put('_modules/mymod.ts', MOD_TS('1'));
  put('_modules/sub/gone.js', 'export default {};\n');
  await sync('modules');
  unlinkSync(join(srv, '_modules/sub/gone.js'));
  rmSync(join(srv, '_modules/sub'), { recursive: true });
  assert.deepEqual(await sync('modules'), { synced: [], touched: true });
  const modDir = join(opts.extension_modules as string, 'modules');
  assert.deepEqual(readdirSync(modDir), ['mymod.mjs']);
  unlinkSync(join(srv, '_modules/mymod.ts'));
  await sync('modules');
  assert.equal(existsSync(modDir), false);
});

test('with clean_dynamic_modules: False removed modules stay', async () => {
  opts.clean_dynamic_modules = false;
  put('_modules/a.js', 'export default {};\n');
  await sync('modules');
  unlinkSync(join(srv, '_modules/a.js'));
  assert.deepEqual(await sync('modules'), { synced: [], touched: false });
  assert.ok(existsSync(join(opts.extension_modules as string, 'modules', 'a.js')));
});

test('extmod_whitelist / extmod_blacklist select modules by name per form', async () => {
  put('_modules/a.js', 'export default {};\n');
  put('_modules/b.js', 'export default {};\n');
  assert.deepEqual((await sync('modules', { whitelist: { modules: ['b'] } })).synced, ['modules.b']);
  assert.deepEqual((await sync('modules', { blacklist: { modules: ['b'] } })).synced, ['modules.a']);
  // Blacklisted modules count as gone from the file server.
  assert.deepEqual(readdirSync(join(opts.extension_modules as string, 'modules')), ['a.js']);
  // Without arguments, the minion options' lists apply.
  opts.extmod_whitelist = { modules: ['b'] };
  assert.deepEqual((await sync('modules')).synced, ['modules.b']);
  assert.deepEqual(readdirSync(join(opts.extension_modules as string, 'modules')), ['b.js']);
});

test('a TypeScript source that does not parse is logged and skipped; the others sync', async () => {
  put('_modules/bad.ts', 'export default {\n');
  put('_modules/good.ts', MOD_TS('1'));
  const errors: string[] = [];
  const log = { error: (m: string) => errors.push(m), info: () => {}, debug: () => {} } as never;
  assert.deepEqual((await sync('modules', { log })).synced, ['modules.good']);
  assert.equal(errors.length, 1);
  assert.match(errors[0], /^Failed to sync modules module bad: Cannot transpile .*bad\.ts:2:1/);
});

test('several environments are synced in order; a missing file server is logged, not thrown', async () => {
  const dev = join(root, 'dev');
  mkdirSync(join(dev, '_grains'), { recursive: true });
  writeFileSync(join(dev, '_grains', 'site.mjs'), 'export default { site() { return { site: 1 }; } };\n');
  put('_grains/core2.mjs', 'export default {};\n');
  opts.file_roots = { base: [srv], dev: [dev] };
  assert.deepEqual((await sync('grains', { saltenvs: ['base', 'dev'] })).synced, ['grains.core2', 'grains.site']);
  const errors: string[] = [];
  const log = { error: (m: string) => errors.push(m), info: () => {}, debug: () => {} } as never;
  const r = await syncExtensionModules(() => { throw new Error('no master'); }, opts, 'modules', { saltenvs: ['base'], log });
  assert.deepEqual(r, { synced: [], touched: false });
  assert.deepEqual(errors, ['Failed to sync modules module: no master']);
});

test('a synced TypeScript module loads through the Loader and a re-sync + reload picks up the change', async () => {
  put('_modules/mymod.ts', MOD_TS('1'));
  put('_modules/_util.ts', "export const twice = (n: number): number => n * 2;\n");
  put('_modules/uses.ts', "import { twice } from './_util.js';\nexport default { name: 'uses', functions: { go: { fn: () => twice(21), signature: { args: [], defaults: {}, varargs: false, kwargs: false }, doc: '' } } };\n");
  await sync('modules');
  const loader = new Loader({ opts, moduleDirs: executionModuleDirs(opts), builtins: {} });
  assert.equal(await loader.call('mymod.ver'), '1');
  assert.equal(await loader.call('uses.go'), 42, 'a module imports its transpiled private helper');
  put('_modules/mymod.ts', MOD_TS('2'));
  await sync('modules');
  loader.reload();
  assert.equal(await loader.call('mymod.ver'), '2');
});

test('listExtmods lists module names per synced form; extensionModulesDir defaults to <cachedir>/extmods', async () => {
  put('_modules/mymod.ts', MOD_TS('1'));
  put('_states/st.js', 'export default {};\n');
  await sync('modules');
  await sync('states');
  assert.deepEqual(listExtmods(opts), { modules: ['mymod'], states: ['st'] });
  assert.equal(extensionModulesDir({ cachedir: '/c', extension_modules: '' }), '/c/extmods');
  assert.deepEqual(listExtmods({ cachedir: join(root, 'nothing') }), {});
});
