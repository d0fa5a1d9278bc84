import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PyFloat } from '../protocol/pytypes.js';
import { pyRepr, pyStr } from './py_repr.js';

test('pyRepr prints Python scalars', () => {
  assert.equal(pyRepr(null), 'None');
  assert.equal(pyRepr(true), 'True');
  assert.equal(pyRepr(new PyFloat(1)), '1.0');
  assert.equal(pyRepr(-0.5), '-0.5');
  assert.equal(pyRepr(12345678901234567890n), '12345678901234567890');
  assert.equal(pyRepr(Infinity), 'inf');
});

test('pyRepr quotes strings like Python', () => {
  assert.equal(pyRepr("it's"), '"it\'s"');
  assert.equal(pyRepr('a"b\'c'), "'a\"b\\'c'");
  assert.equal(pyRepr('C:\\x\n\t\u0001'), "'C:\\\\x\\n\\t\\x01'");
  assert.equal(pyRepr('grüß 日本'), "'grüß 日本'");
  assert.equal(pyRepr('\u200b'), "'\\u200b'");
});

test('pyRepr prints containers, bytes and Maps', () => {
  assert.equal(pyRepr({ a: [1, { b: null }] }), "{'a': [1, {'b': None}]}");
  assert.equal(pyRepr(new Map<unknown, unknown>([[1, 'a'], [true, 2]])), "{1: 'a', True: 2}");
  assert.equal(pyRepr(Buffer.from("a'\x00")), 'b"a\'\\x00"');
  assert.equal(pyRepr(new Set()), 'set()');
});

test('pyStr leaves strings bare', () => {
  assert.equal(pyStr('x y'), 'x y');
  assert.equal(pyStr({ a: 'b' }), "{'a': 'b'}");
});
