import assert from 'node:assert/strict';
import { test } from 'node:test';
import { applyBlacklist, exprMatch, isGrainsDict, mergeGrains, toGrains } from './merge.js';

test('exprMatch() tries a glob, then an anchored regular expression', () => {
  assert.equal(exprMatch('cpu_flags', 'cpu_*'), true);
  assert.equal(exprMatch('ip4_gw', 'ip[46]_gw'), true);
  assert.equal(exprMatch('num42', 'num[0-9]+'), true);
  assert.equal(exprMatch('xnum42', 'num[0-9]+'), false);
  assert.equal(exprMatch('os', 'os_family'), false);
  assert.equal(exprMatch('os', '(bad'), false);
});

test('applyBlacklist() deletes every matching key', () => {
  assert.deepEqual(applyBlacklist({ a1: 1, a2: 2, b: 3 }, ['a*']), { b: 3 });
  assert.deepEqual(applyBlacklist({ a: 1 }, []), { a: 1 });
});

test('mergeGrains() replaces top-level keys, or merges nested dicts when deep', () => {
  assert.deepEqual(mergeGrains({ n: { a: 1 }, l: [1] }, { n: { b: 2 }, l: [2] }, false), { n: { b: 2 }, l: [2] });
  assert.deepEqual(mergeGrains({ n: { a: 1 }, l: [1] }, { n: { b: 2 }, l: [2] }, true), { n: { a: 1, b: 2 }, l: [2] });
});

test('isGrainsDict() and toGrains() accept plain objects and Maps only', () => {
  assert.equal(isGrainsDict({}), true);
  assert.equal(isGrainsDict(new Map()), true);
  assert.equal(isGrainsDict([]), false);
  assert.equal(isGrainsDict('x'), false);
  assert.equal(isGrainsDict(null), false);
  assert.deepEqual(toGrains(new Map<unknown, unknown>([[1, 'a'], ['b', 2]])), { 1: 'a', b: 2 });
});
