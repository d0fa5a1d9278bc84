import assert from 'node:assert/strict';
import { test } from 'node:test';
import { TaggedJsonError } from './errors.js';
import { OrderedDict, PyFloat, isTuple } from './python.js';
import { parseTaggedJson } from './tagged.js';

test('parseTaggedJson keeps 1.0 a float and 1 an int, big ints as bigint', () => {
  const v = parseTaggedJson('[1.0, 1, 2.5, 1e3, 12345678901234567890]') as unknown[];
  assert.ok(v[0] instanceof PyFloat);
  assert.equal(v[1], 1);
  assert.equal(v[2], 2.5);
  assert.ok(v[3] instanceof PyFloat);
  assert.equal(v[4], 12345678901234567890n);
});

test('parseTaggedJson reads every tag', () => {
  const v = parseTaggedJson(
    '{"b": {"$bytes": "AAE="}, "t": {"$tuple": [1]}, "o": {"$odict": [["z", 1], ["a", 2]]},' +
      ' "d": {"$dict": [[10, "x"]]}, "f": {"$float": "-inf"}, "s": {"$set": [1]}}',
  ) as Record<string, unknown>;
  assert.deepEqual(v.b, Buffer.from([0, 1]));
  assert.ok(isTuple(v.t));
  assert.ok(v.o instanceof OrderedDict);
  assert.deepEqual([...(v.o as OrderedDict).keys()], ['z', 'a']);
  assert.equal((v.d as Map<unknown, unknown>).get(10), 'x');
  assert.equal(v.f, -Infinity);
  assert.ok(v.s instanceof Set);
});

test('parseTaggedJson keeps the order of integer-like keys by returning a Map', () => {
  const v = parseTaggedJson('{"b": 1, "10": 2, "9": 3}');
  assert.ok(v instanceof Map);
  assert.deepEqual([...(v as Map<string, unknown>).keys()], ['b', '10', '9']);
});

test('parseTaggedJson rejects malformed input with TaggedJsonError', () => {
  assert.throws(() => parseTaggedJson('{"a": }'), TaggedJsonError);
  assert.throws(() => parseTaggedJson('{"$float": "big"}'), TaggedJsonError);
});
