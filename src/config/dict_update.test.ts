import assert from 'node:assert/strict';
import { test } from 'node:test';
import { dictUpdate } from './dict_update.js';

test('dictUpdate merges nested mappings and replaces other values', () => {
  const dest = { a: { x: 1, y: { z: 1 } }, b: 1 };
  dictUpdate(dest, { a: { y: { w: 2 } }, b: [1], c: 3 });
  assert.deepEqual(dest, { a: { x: 1, y: { z: 1, w: 2 } }, b: [1], c: 3 });
});

test('dictUpdate with mergeLists appends the items a list lacks', () => {
  const dest = { l: [1, { a: 1 }], n: { l: ['x'] } };
  dictUpdate(dest, { l: [{ a: 1 }, 2], n: { l: ['y', 'x'] } }, true, true);
  assert.deepEqual(dest, { l: [1, { a: 1 }, 2], n: { l: ['x', 'y'] } });
});

test('dictUpdate without recursion replaces nested mappings', () => {
  const dest = { a: { x: 1 } };
  dictUpdate(dest, { a: { y: 2 } }, false);
  assert.deepEqual(dest, { a: { y: 2 } });
});
