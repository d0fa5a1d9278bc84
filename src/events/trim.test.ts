import { test } from 'node:test';
import assert from 'node:assert/strict';
import { packTrimmedData, TRIMMED } from './trim.js';
import { packBin, unpackBin } from '../protocol/binpack.js';

test('data under max_event_size is packed untouched', () => {
  const data = { a: 'b', c: 'x'.repeat(100) };
  assert.deepEqual(packTrimmedData(data, 1000), packBin(data));
});

test('large values are replaced by VALUE_TRIMMED until the data fits (dicttrim example)', () => {
  const data = { a: 'b', c: 'x'.repeat(10000) };
  assert.deepEqual(unpackBin(packTrimmedData(data, 100)), { a: 'b', c: TRIMMED });
  assert.equal(data.c.length, 10000, 'the input is not modified');
});

test('nested maps are trimmed inside, small values are kept', () => {
  const data = { jid: '1', return: { big: 'y'.repeat(5000), small: 1 }, id: 'm1' };
  assert.deepEqual(unpackBin(packTrimmedData(data, 1024)), { jid: '1', return: { big: TRIMMED, small: 1 }, id: 'm1' });
});

test('a zero limit disables trimming', () => {
  const data = { c: 'x'.repeat(10000) };
  assert.deepEqual(packTrimmedData(data, 0), packBin(data));
});
