import assert from 'node:assert/strict';
import { test } from 'node:test';
import { mergePillar } from './merge.js';
import { mergePillarTops, PillarTopTypeError } from './top.js';

const a = { x: { p: 1, q: [1, 2] }, only_a: true };
const b = { x: { r: 3, q: [2, 3] }, only_b: true };

test('smart is recurse for yaml renderers and does not touch its inputs', () => {
  const before = JSON.stringify(a);
  assert.deepEqual(mergePillar(a, b), { x: { p: 1, q: [2, 3], r: 3 }, only_a: true, only_b: true });
  assert.equal(JSON.stringify(a), before);
});

test('recurse with merge lists appends the missing items', () => {
  assert.deepEqual(mergePillar(a, b, 'recurse', 'yaml', true).x, { p: 1, q: [1, 2, 3], r: 3 });
});

test('list pairs values of shared keys and keeps only the keys of the first', () => {
  assert.deepEqual(mergePillar(a, b, 'list'), { x: [a.x, b.x], only_a: true });
});

test('aggregate (smart with a yamlex renderer) keeps the union at the top, the second mapping below', () => {
  assert.deepEqual(mergePillar(a, b, 'smart', 'jinja|yamlex'), { x: { r: 3, q: [2, 3] }, only_a: true, only_b: true });
});

test('overwrite replaces top-level keys whole; unknown strategies recurse', () => {
  assert.deepEqual(mergePillar({ ...a }, b, 'overwrite'), { x: { r: 3, q: [2, 3] }, only_a: true, only_b: true });
  assert.deepEqual(mergePillar(a, b, 'bogus'), mergePillar(a, b, 'recurse'));
});

test('mergePillarTops keeps match entries first, dedups SLS names, later tops replace targets', () => {
  const { top, ignored } = mergePillarTops({
    base: [{ base: { '*': ['a', 'a', { match: 'glob' }, 'b'], web: ['w'] } }, { base: { web: ['w2', { ignore_missing: true }] } }],
  });
  assert.deepEqual(top, { base: { '*': [{ match: 'glob' }, 'a', 'b'], web: ['w2'] } });
  assert.deepEqual(ignored, { base: ['w2'] });
  assert.throws(() => mergePillarTops({ base: [{ base: { '*': null } }] }), PillarTopTypeError);
});
