import assert from 'node:assert/strict';
import { test } from 'node:test';
import { jsonOutput, pyJsonDumps } from './json.js';
import { OrderedDict, pyRepr } from './python.js';

test('pyJsonDumps with ensureAscii escapes non-ASCII like Python json.dumps', () => {
  assert.equal(
    pyJsonDumps({ a: [1, { b: null }], c: '\u00e9\u2028' }, { indent: 2, ensureAscii: true }),
    '{\n  "a": [\n    1,\n    {\n      "b": null\n    }\n  ],\n  "c": "\\u00e9\\u2028"\n}',
  );
});

test('pyJsonDumps uses default=repr for bytes and sets, and keeps OrderedDict order', () => {
  const data = new OrderedDict<string, unknown>([
    ['z', Buffer.from('x')],
    ['a', new Set([1])],
  ]);
  assert.equal(pyJsonDumps(data, { default: pyRepr }), '{"z": "b\'x\'", "a": "{1}"}');
});

test('json outputter prints {} when keys cannot be JSON keys', () => {
  const data = { m: new Map<unknown, unknown>([[Buffer.from('k'), 1]]) };
  assert.equal(jsonOutput(data, { opts: {}, kwargs: {} }), '{}');
});

test('json outputter: output_indent 0 puts items on their own lines without indentation', () => {
  assert.equal(jsonOutput({ a: [1] }, { opts: { output_indent: 0 }, kwargs: {} }), '{\n"a": [\n1\n]\n}');
});
