import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fnmatch, fnmatchFilter } from './fnmatch.js';

test('fnmatch: * crosses dots and newlines, ? is exactly one character', () => {
  assert.equal(fnmatch('web01.example.com', 'web*com'), true);
  assert.equal(fnmatch('a\nb', 'a*b'), true);
  assert.equal(fnmatch('web01', 'web0?'), true);
  assert.equal(fnmatch('web011', 'web0?'), false);
  assert.equal(fnmatch('', '?*'), false);
});

test('fnmatch is case-sensitive and matches the whole name', () => {
  assert.equal(fnmatch('WebServer', '[a-z]*'), false);
  assert.equal(fnmatch('web01.example.com', 'web01'), false);
  assert.equal(fnmatch('', ''), true);
});

test('fnmatch classes: [!x] negates, [^x] is literal caret, ] first is literal, trailing - is literal', () => {
  assert.equal(fnmatch('b', '[!a]'), true);
  assert.equal(fnmatch('a', '[!a]'), false);
  assert.equal(fnmatch('^', '[^1]'), true);
  assert.equal(fnmatch('2', '[^1]'), false);
  assert.equal(fnmatch(']]', '[]]]'), true);
  assert.equal(fnmatch('-', '[a-]'), true);
  assert.equal(fnmatch('x', '[!]x]'), false);
});

test('fnmatch: unclosed [ is literal, [[] is a literal [, reversed range matches nothing', () => {
  assert.equal(fnmatch('host[1]', 'host[1*'), true);
  assert.equal(fnmatch('host[1]', 'host[[]1]'), true);
  assert.equal(fnmatch('host[1]', 'host[1]'), false);
  assert.equal(fnmatch('b', '[z-a]'), false);
  assert.equal(fnmatch('[!]', '[!]'), true);
});

test('fnmatch works on code points, not UTF-16 units', () => {
  assert.equal(fnmatch('😀x', '?x'), true);
  assert.equal(fnmatch('münchen-01', 'm?nchen-*'), true);
});

test('fnmatchFilter keeps matching names in their order', () => {
  assert.deepEqual(fnmatchFilter(['web02', 'db01', 'web01'], 'web*'), ['web02', 'web01']);
});
