import assert from 'node:assert/strict';
import { test } from 'node:test';
import { textWrap } from './_textwrap.js';

test('textWrap breaks at spaces and after hyphens inside words, like Python textwrap', () => {
  assert.deepStrictEqual(textWrap('Change the default delimiter for matching in multi-level data structures.', 54), [
    'Change the default delimiter for matching in multi-',
    'level data structures.',
  ]);
  assert.deepStrictEqual(textWrap('Display jid without the additional output of --verbose.', 54), [
    'Display jid without the additional output of',
    '--verbose.',
  ]);
});

test('textWrap breaks a word longer than the width', () => {
  assert.deepStrictEqual(textWrap('abcdefghij', 4), ['abcd', 'efgh', 'ij']);
});
