import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { customGrainsDirs, findCustomGrainFiles, importCustomGrainModule } from './custom.js';
import { CustomGrainsModuleError } from './errors.js';

test('customGrainsDirs() orders module_dirs, extension_modules/grains, then grains_dirs', async () => {
  const dir = mkdtempSync(join(os.tmpdir(), 'grains-dirs-'));
  try {
    mkdirSync(join(dir, 'm1', '_grains'), { recursive: true });
    mkdirSync(join(dir, 'm2', 'grains'), { recursive: true });
    const dirs = await customGrainsDirs({ module_dirs: [join(dir, 'm1'), join(dir, 'm2')], extension_modules: join(dir, 'ext'), grains_dirs: ['/g1', '/g2'] });
    assert.deepEqual(dirs, [join(dir, 'm2', 'grains'), join(dir, 'm1', '_grains'), join(dir, 'ext', 'grains'), '/g1', '/g2']);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('findCustomGrainFiles() takes the first file per module name and skips private and foreign files', async () => {
  const dir = mkdtempSync(join(os.tmpdir(), 'grains-find-'));
  try {
    for (const d of ['a', 'b']) mkdirSync(join(dir, d));
    for (const f of ['site.mjs', '_private.js', 'notes.txt', 'types.d.ts']) writeFileSync(join(dir, 'a', f), '');
    for (const f of ['site.js', 'other.js']) writeFileSync(join(dir, 'b', f), '');
    const found = await findCustomGrainFiles([join(dir, 'a'), join(dir, 'missing'), join(dir, 'b')]);
    assert.deepEqual([...found], [['site', join(dir, 'a', 'site.mjs')], ['other', join(dir, 'b', 'other.js')]]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('importCustomGrainModule() keeps public functions and __virtual__, and rejects bad modules', async () => {
  const dir = mkdtempSync(join(os.tmpdir(), 'grains-import-'));
  try {
    writeFileSync(join(dir, 'good.mjs'), 'export default { __virtual__: () => true, a: () => ({ a: 1 }), _b: () => ({}), c: 5 };\n');
    const mod = await importCustomGrainModule('good', join(dir, 'good.mjs'));
    assert.equal(mod.name, 'good');
    assert.deepEqual(Object.keys(mod.functions), ['a']);
    assert.equal(typeof mod.virtual, 'function');
    writeFileSync(join(dir, 'num.mjs'), 'export default 42;\n');
    await assert.rejects(importCustomGrainModule('num', join(dir, 'num.mjs')), (err: unknown) => {
      assert.ok(err instanceof CustomGrainsModuleError);
      assert.match(err.message, /default export must be an object of grain functions, got number/);
      return true;
    });
    writeFileSync(join(dir, 'syntax.mjs'), 'export default {;\n');
    await assert.rejects(importCustomGrainModule('syntax', join(dir, 'syntax.mjs')), /does not import/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
