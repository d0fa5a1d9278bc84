import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { customModuleDirs, listCustomModuleFiles, transpileCacheDir, versionedImportUrl } from './custom_files.js';
import { Loader } from './loader.js';

const root = mkdtempSync(join(tmpdir(), 'salt-ts-customfiles-'));
after(() => rmSync(root, { recursive: true, force: true }));

function dir(name: string): string {
  const d = join(root, name);
  mkdirSync(d, { recursive: true });
  return d;
}

test("customModuleDirs follows Salt 3006's order: module_dirs subdirs (last first), extmods, <kind>_dirs", () => {
  const a = dir('md-a');
  const b = dir('md-b');
  mkdirSync(join(a, 'states'), { recursive: true });
  mkdirSync(join(b, '_states'), { recursive: true });
  const opts = { module_dirs: [a, b, join(root, 'none')], extension_modules: '/ext', states_dirs: ['/sd'] };
  assert.deepEqual(customModuleDirs(opts, 'states'), [join(b, '_states'), join(a, 'states'), '/ext/states', '/sd']);
  assert.deepEqual(customModuleDirs({ module_dirs: [a], extension_modules: '/ext' }, 'modules', 'module_dirs'), ['/ext/modules', a]);
});

test('listCustomModuleFiles transpiles .ts to the cache once and skips private, declaration and test files', () => {
  const d = dir('mods-ts');
  writeFileSync(join(d, 'greet.ts'), "import { suffix } from './_helper.js';\nconst s: string = 'hi' + suffix;\nexport default { name: 'greet', functions: {}, s };\n");
  writeFileSync(join(d, '_helper.ts'), "export const suffix: string = '!';\n");
  writeFileSync(join(d, 'plain.mjs'), "export default { name: 'plain', functions: {} };\n");
  writeFileSync(join(d, 'types.d.ts'), 'export type X = 1;\n');
  writeFileSync(join(d, 'greet.test.ts'), 'throw new Error("no");\n');
  const opts = { cachedir: join(root, 'cache') };
  const files = listCustomModuleFiles([d], opts);
  assert.deepEqual([...files.keys()].sort(), ['greet', 'plain']);
  const out = files.get('greet')![0];
  assert.equal(out, join(transpileCacheDir(opts, d), 'greet.mjs'));
  assert.match(readFileSync(out, 'utf8'), /from ['"]\.\/_helper\.mjs['"]/);
  assert.ok(statSync(join(transpileCacheDir(opts, d), '_helper.mjs')).isFile());
  assert.equal(files.get('plain')![0], join(d, 'plain.mjs'));
  // Not rewritten while the source is older than the output.
  const before = statSync(out).mtimeMs;
  listCustomModuleFiles([d], opts);
  assert.equal(statSync(out).mtimeMs, before);
});

test('a .ts module in module_dirs loads and runs through the Loader, salt-ts helpers included', async () => {
  const d = dir('mods-run');
  writeFileSync(
    join(d, 'tsmod.ts'),
    "import { defineFunction, type SaltModule } from 'salt-ts';\nconst m: SaltModule = { name: 'tsmod', functions: { twice: defineFunction({ args: ['n'], doc: 'Double n.' }, ({ n }) => Number(n) * 2) } };\nexport default m;\n",
  );
  const loader = new Loader({ opts: { cachedir: join(root, 'cache') }, moduleDirs: [d], builtins: {} });
  assert.equal(await loader.call('tsmod.twice', [21]), 42);
});

test('a .ts file that does not parse is logged and skipped', () => {
  const d = dir('mods-broken');
  writeFileSync(join(d, 'bad.ts'), 'export default {\n');
  const errors: string[] = [];
  const log = { error: (m: string) => errors.push(m) } as never;
  assert.equal(listCustomModuleFiles([d], { cachedir: join(root, 'cache') }, log).size, 0);
  assert.match(errors[0], /^Failed to load custom module .*bad\.ts: Cannot transpile .*bad\.ts:2:1: /);
});

test('versionedImportUrl changes when the file changes, so a re-synced module is imported afresh', () => {
  const f = join(dir('ver'), 'm.mjs');
  writeFileSync(f, 'export default 1;');
  const first = versionedImportUrl(f);
  writeFileSync(f, 'export default 22;');
  utimesSync(f, new Date(), new Date(Date.now() + 5000));
  assert.notEqual(versionedImportUrl(f), first);
  assert.match(first, /^file:\/\/.*m\.mjs\?v=/);
});

test('Loader.reload imports a changed custom module again and can swap grains', async () => {
  const d = dir('mods-reload');
  const f = join(d, 'ver.mjs');
  const write = (v: number) => {
    writeFileSync(f, `export default { name: 'ver', functions: { get: { fn: (ctx) => [${v}, ctx.grains.os], signature: { args: [], defaults: {}, varargs: false, kwargs: false }, doc: '' } } };`);
    utimesSync(f, new Date(), new Date(Date.now() + v * 1000));
  };
  write(1);
  const loader = new Loader({ opts: {}, grains: { os: 'A' }, moduleDirs: [d], builtins: {} });
  assert.deepEqual(await loader.call('ver.get'), [1, 'A']);
  write(2);
  assert.deepEqual(await loader.call('ver.get'), [1, 'A']);
  loader.reload({ grains: { os: 'B' } });
  assert.deepEqual(await loader.call('ver.get'), [2, 'B']);
});
