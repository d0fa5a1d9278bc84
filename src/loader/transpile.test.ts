import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { customApiUrl, mentionsApi, TranspileError, transpileModuleSource } from './transpile.js';

test('transpileModuleSource strips types and keeps the module an ES module', () => {
  const js = transpileModuleSource('import type { X } from "./x.js";\nconst n: number = 1;\nexport default { n } as X;\n', '/m/a.ts');
  assert.doesNotMatch(js, /: number|import type|as X/);
  assert.match(js, /export default \{ n \}/);
});

test("'salt-ts' imports (static, re-export and dynamic) become the custom API's URL", () => {
  const js = transpileModuleSource(
    "import { defineFunction } from 'salt-ts';\nexport { dedentDoc } from 'salt-ts';\nconst m = import('salt-ts');\nexport default { defineFunction, m };\n",
    '/m/a.ts',
  );
  assert.equal(js.split(customApiUrl()).length - 1, 3, js);
  assert.doesNotMatch(js, /['"]salt-ts['"]/);
  assert.match(customApiUrl(), /^file:\/\/.*\/loader\/custom_api\.(ts|js)$/);
});

test('a relative import of a sibling TypeScript file becomes .mjs; others resolve against absoluteFrom', () => {
  const dir = mkdtempSync(join(tmpdir(), 'salt-ts-transpile-'));
  try {
    writeFileSync(join(dir, '_util.ts'), 'export const x = 1;');
    writeFileSync(join(dir, 'plain.js'), 'export const y = 2;');
    const src = "import { x } from './_util.js';\nimport { y } from './plain.js';\nimport { z } from 'node:path';\nexport default [x, y, z];\n";
    const inPlace = transpileModuleSource(src, join(dir, 'mod.ts'));
    assert.match(inPlace, /from ["']\.\/_util\.mjs["']/);
    assert.match(inPlace, /from ["']\.\/plain\.js["']/);
    assert.match(inPlace, /from ["']node:path["']/);
    const elsewhere = transpileModuleSource(src, join(dir, 'mod.ts'), { absoluteFrom: dir });
    assert.match(elsewhere, /from ["']\.\/_util\.mjs["']/);
    assert.ok(elsewhere.includes(`from "${pathToFileURL(join(dir, 'plain.js')).href}"`), elsewhere);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a syntax error throws TranspileError naming the file, line and column', () => {
  assert.throws(
    () => transpileModuleSource('const a = 1;\nconst = 2;\n', '/m/broken.ts'),
    (err: unknown) => err instanceof TranspileError && err.code === 'ETRANSPILE' && /^Cannot transpile \/m\/broken\.ts:2:7: /.test(err.message),
  );
});

test('mentionsApi looks for the quoted package name only', () => {
  assert.equal(mentionsApi("import x from 'salt-ts';"), true);
  assert.equal(mentionsApi('import x from "file:///opt/salt-ts/dist/custom_api.js";'), false);
});
