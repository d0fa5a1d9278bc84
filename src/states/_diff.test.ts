import assert from 'node:assert/strict';
import { test } from 'node:test';
import { getDiff, unifiedDiffLines } from './_diff.js';

test('getDiff prints difflib hunks with empty file names', () => {
  assert.equal(getDiff('a\nb\nc\n', 'a\nB\nc\n'), '--- \n+++ \n@@ -1,3 +1,3 @@\n a\n-b\n+B\n c\n');
});

test('getDiff of equal texts is empty', () => {
  assert.equal(getDiff('x\n', 'x\n'), '');
});

test('unifiedDiffLines splits far-apart changes into two hunks', () => {
  const a = Array.from({ length: 20 }, (_, i) => `l${i}\n`);
  const b = [...a];
  b[1] = 'X\n';
  b[18] = 'Y\n';
  const hunks = unifiedDiffLines(a, b).filter((l) => l.startsWith('@@'));
  assert.deepEqual(hunks, ['@@ -1,5 +1,5 @@\n', '@@ -16,5 +16,5 @@\n']);
});
