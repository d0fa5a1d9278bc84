import assert from 'node:assert/strict';
import { test } from 'node:test';
import { newlineValuesOnlyOutput } from './newline_values_only.js';
import { OutputDataError } from './errors.js';
import { rawOutput } from './raw.js';
import { txtOutput } from './txt.js';

test('txt prints one "key: line" per line of a multi-line value', () => {
  assert.equal(txtOutput({ web1: 'a\nb' }), 'web1: a\nweb1: b\n');
});

test('txt prints a plain string as is and other data with pprint', () => {
  assert.equal(txtOutput('hello'), 'hello\n');
  assert.equal(txtOutput(5), '5\n');
});

test('raw is str(data)', () => {
  assert.equal(rawOutput({ a: [null, true] }), "{'a': [None, True]}");
});

test('newline_values_only needs a dict', () => {
  assert.throws(() => newlineValuesOnlyOutput(['x']), OutputDataError);
});
