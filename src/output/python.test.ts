import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  OrderedDict,
  PyFloat,
  compareStrings,
  formatFixed,
  pformat,
  pyCompare,
  pyRepr,
  pyRound,
  pySorted,
  pyStr,
  splitlines,
  tuple,
} from './python.js';
import { OutputDataError } from './errors.js';

test('pyRepr quotes and escapes str like Python', () => {
  assert.equal(pyRepr('a\'b"c\x7f\u200b\u{1F600}\u00e9\t'), "'a\\'b\"c\\x7f\\u200b\u{1F600}\u00e9\\t'");
  assert.equal(pyRepr("it's"), '"it\'s"');
});

test('pyRepr of bytes, floats, tuples, dicts and OrderedDicts', () => {
  assert.equal(pyRepr(Buffer.from('\'"\x00\xff', 'latin1')), "b'\\'\"\\x00\\xff'");
  assert.equal(pyRepr([new PyFloat(1), 0.1, new PyFloat(1e16), 1e-7, tuple([1])]), '[1.0, 0.1, 1e+16, 1e-07, (1,)]');
  assert.equal(pyRepr(new Map<unknown, unknown>([[1, 'a'], ['b', null]])), "{1: 'a', 'b': None}");
  assert.equal(pyRepr(new OrderedDict([['z', 1]])), "OrderedDict([('z', 1)])");
  assert.equal(pyRepr(12345678901234567890n), '12345678901234567890');
});

test('pyStr leaves strings alone and reprs containers', () => {
  assert.equal(pyStr('x'), 'x');
  assert.equal(pyStr({ a: true }), "{'a': True}");
});

test('splitlines drops a trailing line break and splits on every Python line boundary', () => {
  assert.deepEqual(splitlines('a\nb\r\nc\rd\x0be\u2028f\n'), ['a', 'b', 'c', 'd', 'e', 'f']);
  assert.deepEqual(splitlines(''), []);
  assert.deepEqual(splitlines('\n'), ['']);
});

test('pyCompare orders like Python and refuses str against int', () => {
  assert.ok(pyCompare('Bravo', 'alpha') < 0);
  assert.ok(compareStrings('\u{1F600}', '\uffff') > 0);
  assert.deepEqual(pySorted([10, 9, 100]), [9, 10, 100]);
  assert.throws(() => pyCompare(1, 'a'), OutputDataError);
  assert.throws(() => pyCompare(null, null), OutputDataError);
});

test('formatFixed rounds exact ties to even like Python, unlike toFixed', () => {
  assert.equal(formatFixed(0.0625, 3), '0.062');
  assert.equal(formatFixed(2.675, 2), '2.67');
  assert.equal(formatFixed(18.13, 3), '18.130');
  assert.equal(pyRound(0.125, 2), 0.12);
  assert.equal(pyRound(86.66666, 2), 86.67);
});

test('pformat wraps long dicts, lists, strings and bytes at width 80', () => {
  const d: Record<string, string[]> = {};
  for (let i = 0; i < 4; i++) d[`key${i}`] = Array(3).fill(`value ${i}`);
  assert.equal(
    pformat(d),
    "{'key0': ['value 0', 'value 0', 'value 0'],\n 'key1': ['value 1', 'value 1', 'value 1'],\n" +
      " 'key2': ['value 2', 'value 2', 'value 2'],\n 'key3': ['value 3', 'value 3', 'value 3']}",
  );
  assert.equal(
    pformat(['word '.repeat(30), Buffer.from('\x00\x01abc'.repeat(10), 'latin1'), tuple([1]), tuple([])]),
    "['word word word word word word word word word word word word word word word '\n" +
      " 'word word word word word word word word word word word word word word word ',\n" +
      " b'\\x00\\x01abc\\x00\\x01abc\\x00\\x01abc\\x00\\x01abc\\x00\\x01abc\\x00\\x01abc\\x00\\x01'\n" +
      " b'abc\\x00\\x01abc\\x00\\x01abc\\x00\\x01abc',\n (1,),\n ()]",
  );
  assert.equal(
    pformat({ long: 'x '.repeat(50) }),
    "{'long': 'x x x x x x x x x x x x x x x x x x x x x x x x x x x x x x x x x x '\n" +
      "         'x x x x x x x x x x x x x x x x '}",
  );
  assert.equal(pformat({ b: 2, a: 1 }), "{'a': 1, 'b': 2}");
});
