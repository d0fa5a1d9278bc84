import assert from 'node:assert/strict';
import { test } from 'node:test';
import { safeDump, yamlOutput } from './yaml.js';
import { OutputDataError } from './errors.js';
import { PyFloat } from './python.js';

test('safeDump writes sets, empty bytes, special floats and complex keys as PyYAML+libyaml do', () => {
  const data = new Map<unknown, unknown>([
    ['k', new Set([1, 2])],
    ['b', Buffer.alloc(0)],
    ['f', [new PyFloat(1e16), -0.5, -Infinity]],
    ['long key '.repeat(20), 1],
    ['multi\nkey', 2],
  ]);
  assert.equal(
    safeDump(data),
    "b: !!binary \"\"\nf:\n- 1.0e+16\n- -0.5\n- -.inf\nk: !!set\n  1: null\n  2: null\n" +
      "? 'long key long key long key long key long key long key long key long key long key\n" +
      '  long key long key long key long key long key long key long key long key long key\n' +
      "  long key long key '\n: 1\n? 'multi\n\n  key'\n: 2\n",
  );
});

test('safeDump flow style quotes what YAML 1.1 would read as another type', () => {
  assert.equal(
    safeDump({ a: 'yes', b: [1, 'x y', { c: null }], d: {} }, { defaultFlowStyle: true, indent: 0 }),
    "{a: 'yes', b: [1, x y, {c: null}], d: {}}\n",
  );
});

test('yaml outputter: negative output_indent is flow style, a non-number indent is a TypeError', () => {
  const ctx = (output_indent: unknown) => ({ opts: { output_indent } as never, kwargs: {} });
  assert.equal(yamlOutput({ m: [1, 2] }, ctx(-1)), '{m: [1, 2]}\n');
  assert.throws(() => yamlOutput({ m: 1 }, ctx(null)), OutputDataError);
});
