import assert from 'node:assert/strict';
import { test } from 'node:test';
import { evalBoolWords, evalSetTokens, PyEvalError } from './_pyeval.js';

test('evalBoolWords follows Python: and/or return operands, not > and > or', () => {
  assert.equal(evalBoolWords(['True', 'or', 'False', 'and', 'False']), true);
  assert.equal(evalBoolWords(['True', 'and', '[]']), 'list');
  assert.equal(evalBoolWords(['[]', 'or', 'True']), true);
  assert.equal(evalBoolWords(['not', '[]']), true);
  assert.equal(evalBoolWords(['(', ')']), 'tuple');
  assert.equal(evalBoolWords(['not', '(', 'True', 'or', 'False', ')']), false);
});

test('evalBoolWords throws PyEvalError on syntax errors', () => {
  for (const words of [[], ['True', 'False'], ['not', 'and', 'True'], ['(', 'True'], ['True', ')'], ['True', 'and']]) {
    assert.throws(() => evalBoolWords(words), PyEvalError, words.join(' '));
  }
});

test('evalSetTokens: - before & before |, parentheses, errors', () => {
  const all = new Set(['a', 'b', 'c', 'd']);
  const ab = new Set(['a', 'b']);
  const bc = new Set(['b', 'c']);
  assert.deepEqual(evalSetTokens([ab, '|', bc, '&', new Set(['c'])]).sort(), ['a', 'b', 'c']);
  assert.deepEqual(evalSetTokens(['(', all, '-', ab, ')', '&', bc]).sort(), ['c']);
  assert.deepEqual(evalSetTokens(['(', ')']), []);
  assert.throws(() => evalSetTokens([ab, bc]), PyEvalError);
  assert.throws(() => evalSetTokens([]), PyEvalError);
  assert.throws(() => evalSetTokens(['(', ')', '&', ab]), PyEvalError);
});
