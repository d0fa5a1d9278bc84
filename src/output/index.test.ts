import assert from 'node:assert/strict';
import { test } from 'node:test';
import { displayOutput, formatOutput, stringFormat } from './index.js';

const opts = { color: false };

test('formatOutput falls back to nested when the outputter cannot print the data', () => {
  assert.equal(formatOutput(['a', 'b'], 'newline_values_only', opts), '- a\n- b');
  assert.equal(formatOutput({ web1: 5 }, 'yaml', { ...opts, output_indent: 'pretty' }), 'web1:\n    5');
});

test('formatOutput uses nested for an unknown outputter name and txt for "text"', () => {
  assert.equal(formatOutput({ m: 1 }, 'no-such-outputter', opts), 'm:\n    1');
  assert.equal(formatOutput({ m: 'x' }, 'text', opts), 'm: x');
});

test('opts.output (--out) overrides the outputter asked for, except highstate', () => {
  assert.equal(formatOutput({ m: 1 }, 'nested', { ...opts, output: 'json', output_indent: -1 }), '{"m": 1}');
  assert.equal(formatOutput({ m: 1 }, 'nested', { ...opts, output: 'highstate' }), 'm:\n    1');
});

test('kwargs are merged into opts (nested_indent, _retcode)', () => {
  assert.equal(formatOutput({ m: 1 }, 'nested', opts, { nested_indent: 2 }), '  ----------\n  m:\n      1');
  assert.equal(
    stringFormat({ m: [[1]] }, 'nested', { color: true }, { _retcode: 2 }),
    'm:\n    |_\n      - 1',
  );
});

test('quiet and no_out print nothing; displayOutput then writes nothing at all', () => {
  assert.equal(formatOutput({ m: 1 }, 'quiet', opts), '');
  let written = '';
  displayOutput({ m: 1 }, 'no_out', opts, {}, (s) => (written += s));
  displayOutput({ m: '' }, 'txt', opts, {}, (s) => (written += s));
  assert.equal(written, '');
});

test('displayOutput writes the text and one newline', () => {
  let written = '';
  displayOutput({ m: 'x' }, 'txt', opts, {}, (s) => (written += s));
  assert.equal(written, 'm: x\n');
});
