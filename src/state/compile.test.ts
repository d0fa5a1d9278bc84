import assert from 'node:assert/strict';
import { test } from 'node:test';
import { applyExclude, compileHighData, orderChunks, reconcileExtend, requisiteIn, verifyHigh } from './compile.js';
import type { LowChunk } from './types.js';

const chunk = (name: string, order?: unknown, extra: Record<string, unknown> = {}): LowChunk =>
  ({ state: 'test', name, fun: 'nop', __id__: name, ...(order === undefined ? {} : { order }), ...extra }) as LowChunk;

test('orderChunks puts first at 0, last after the cap and unordered chunks at the cap', () => {
  const out = orderChunks([chunk('a', 'last'), chunk('b'), chunk('c', 'first'), chunk('d', 5)]);
  assert.deepEqual(out.map((c) => [c.name, c.order]), [['c', 0], ['d', 5], ['b', 105], ['a', 1000105]]);
});

test('orderChunks adds name_order / 10000 and counts negative orders back from last', () => {
  const out = orderChunks([chunk('n1', 10, { name_order: 1 }), chunk('neg', -1)]);
  assert.deepEqual(out.map((c) => c.order), [10.0001, 1000109]);
});

test('compileHighData expands names and takes per-name arguments', () => {
  const chunks = compileHighData({
    grp: { test: [{ names: ['a', { b: [{ comment: 'x' }] }] }, 'nop', { order: 10000 }], __sls__: 'main', __env__: 'base' },
  });
  assert.deepEqual(chunks.map((c) => [c.name, c.comment, c.order]), [['a', undefined, 10000.0001], ['b', 'x', 10000.0002]]);
});

test('verifyHigh reports a direct recursive requisite in Salt words', () => {
  const errors = verifyHigh({ a: { test: ['nop', { require: [{ test: 'a' }] }], __sls__: 'main', __env__: 'base' } });
  assert.deepEqual(errors, ['A recursive requisite was found, SLS "main" ID "a" ID "a"']);
});

test('requisiteIn turns require_in into a require on the target', () => {
  const high: Record<string, any> = {
    a: { test: ['nop', { require_in: [{ test: 'b' }] }], __sls__: 'm', __env__: 'base' },
    b: { test: ['nop'], __sls__: 'm', __env__: 'base' },
  };
  assert.deepEqual(requisiteIn(high), []);
  assert.deepEqual(high.b.test, ['nop', { require: [{ test: 'a' }] }]);
});

test('reconcileExtend appends requisites and replaces other arguments', () => {
  const high: Record<string, any> = {
    a: { test: [{ name: 'x' }, { require: [{ test: 'b' }] }, 'nop'], __sls__: 'm', __env__: 'base' },
    __extend__: [{ a: { test: [{ name: 'y' }, { require: [{ test: 'c' }] }], __sls__: 'm', __env__: 'base' } }],
  };
  assert.deepEqual(reconcileExtend(high), []);
  assert.deepEqual(high.a.test, [{ name: 'y' }, { require: [{ test: 'b' }, { test: 'c' }] }, 'nop']);
});

test('applyExclude drops excluded IDs and every ID of an excluded sls glob', () => {
  const high: Record<string, any> = {
    a: { test: ['nop'], __sls__: 'web.a' },
    b: { test: ['nop'], __sls__: 'db' },
    c: { test: ['nop'], __sls__: 'db' },
    __exclude__: ['web.*', { id: 'b' }],
  };
  applyExclude(high);
  assert.deepEqual(Object.keys(high), ['c']);
});
