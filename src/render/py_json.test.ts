import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PyFloat } from '../protocol/pytypes.js';
import { JsonDecodeError, pyJsonLoads } from './py_json.js';

test('pyJsonLoads keeps Python number kinds and accepts NaN/Infinity', () => {
  const v = pyJsonLoads('{"a": 1, "b": 1.0, "c": 12345678901234567890, "d": NaN, "e": -Infinity}') as Record<string, unknown>;
  assert.equal(v.a, 1);
  assert.ok(v.b instanceof PyFloat);
  assert.equal(v.c, 12345678901234567890n);
  assert.ok(Number.isNaN(v.d));
  assert.equal(v.e, -Infinity);
});

test('pyJsonLoads can keep key order with Maps', () => {
  const m = pyJsonLoads('{"b": 1, "2": 2}', { mapObjects: true }) as Map<string, unknown>;
  assert.deepEqual([...m.keys()], ['b', '2']);
});

test('pyJsonLoads errors use Python JSONDecodeError text', () => {
  const cases: [string, string][] = [
    ['', 'Expecting value: line 1 column 1 (char 0)'],
    ['{"a" 1}', "Expecting ':' delimiter: line 1 column 6 (char 5)"],
    ['[1 2]', "Expecting ',' delimiter: line 1 column 4 (char 3)"],
    ['{"a": 1}\n x', 'Extra data: line 2 column 2 (char 10)'],
    ['"abc', 'Unterminated string starting at: line 1 column 1 (char 0)'],
    ['{1: 2}', 'Expecting property name enclosed in double quotes: line 1 column 2 (char 1)'],
  ];
  for (const [doc, message] of cases) {
    assert.throws(() => pyJsonLoads(doc), (err: unknown) => err instanceof JsonDecodeError && err.message === message, doc);
  }
});
