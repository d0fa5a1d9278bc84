import assert from 'node:assert/strict';
import { test } from 'node:test';
import { copyOptions } from './copy_options.js';

test('copyOptions copies like a spread, overrides last, keys in order', () => {
  const frozen = Object.freeze({ b: 1, a: [1], 2: 'two', c: null });
  const copy = copyOptions(frozen, { a: 'x', d: true });
  assert.deepEqual(copy, { ...frozen, ...{ a: 'x', d: true } });
  assert.deepEqual(Object.keys(copy), Object.keys({ ...frozen, a: 'x', d: true }));
  (copy as Record<string, unknown>).b = 5; // plain writable data, even from a frozen source
  assert.equal(copy.b, 5);
});

test('copyOptions leaves an accessor unread until the copy is read', () => {
  let reads = 0;
  const opts: Record<string, unknown> = { timeout: 5 };
  Object.defineProperty(opts, 'id', { enumerable: true, configurable: true, get: () => (reads++, 'm_master') });
  Object.defineProperty(opts, 'hidden', { enumerable: false, value: 1 });
  const copy = copyOptions(opts, { color: false });
  assert.equal(reads, 0);
  assert.equal('hidden' in copy, false);
  assert.equal(copy.id, 'm_master');
  assert.equal(reads, 1);
  assert.deepEqual({ ...copy }, { timeout: 5, id: 'm_master', color: false });
});
