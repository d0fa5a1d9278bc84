import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PyFloat } from '../protocol/pytypes.js';
import { compareCodePoints, pyRepr, pySplit, pyStr, sortedIgnorecase } from './_pystr.js';

test('pyStr renders values like Python str()', () => {
  assert.equal(pyStr(true), 'True');
  assert.equal(pyStr(null), 'None');
  assert.equal(pyStr(12), '12');
  assert.equal(pyStr(1.5), '1.5');
  assert.equal(pyStr(new PyFloat(2)), '2.0');
  assert.equal(pyStr(['x', 1, null]), "['x', 1, None]");
  assert.equal(pyStr({ name: 'alpha', n: { k: true } }), "{'name': 'alpha', 'n': {'k': True}}");
  assert.equal(pyRepr("it's"), '"it\'s"');
  assert.equal(pyRepr('a\nb'), "'a\\nb'");
});

test('pySplit splits on Python whitespace runs', () => {
  assert.deepEqual(pySplit('  a \t b\x1cc\u00a0d  '), ['a', 'b', 'c', 'd']);
  assert.deepEqual(pySplit('a\ufeffb'), ['a\ufeffb']);
});

test('sortedIgnorecase sorts like sorted(key=str.lower), stable; compareCodePoints orders astral last', () => {
  assert.deepEqual(sortedIgnorecase(['web01', 'Bravo', 'alpha', 'bravo']), ['alpha', 'Bravo', 'bravo', 'web01']);
  assert.ok(compareCodePoints('\u{1F600}', '\uFFFD') > 0);
});
