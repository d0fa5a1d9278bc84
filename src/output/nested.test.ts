import assert from 'node:assert/strict';
import { test } from 'node:test';
import { nestedOutput } from './nested.js';

const ctx = (opts = {}, kwargs = {}) => ({ opts: { color: false, ...opts }, kwargs });

test('nested sorts unorderable keys by their str()', () => {
  const data = new Map<unknown, unknown>([['b', 1], [10, 2], ['a', 3]]);
  assert.equal(nestedOutput(data, ctx()), '10:\n    2\na:\n    3\nb:\n    1');
});

test('nested prints nothing for values it has no branch for (sets)', () => {
  assert.equal(nestedOutput({ m: new Set([1]) }, ctx()), 'm:');
});

test('nested keeps ESC when strip_colors is false', () => {
  assert.equal(nestedOutput('a\x1bb', ctx({ strip_colors: false })), 'a\x1bb');
});

test('nested_indent from opts is the base indent', () => {
  assert.equal(nestedOutput({ a: 1 }, ctx({ nested_indent: 2 })), '  ----------\n  a:\n      1');
});
