import assert from 'node:assert/strict';
import { test } from 'node:test';
import { copyOptions, overlayOptions } from './copy_options.js';

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

test('overlayOptions reads through to the base without copying it or reading its accessors', () => {
  let reads = 0;
  const base: Record<string, unknown> = { timeout: 5, color: true };
  Object.defineProperty(base, 'id', { enumerable: true, configurable: true, get: () => (reads++, 'm_master') });
  const view = overlayOptions(base, { color: false, _retcode: 2 });
  assert.equal(reads, 0);
  assert.equal(view.color, false);
  assert.equal(base.color, true);
  assert.equal(view.timeout, 5);
  assert.equal('timeout' in view && '_retcode' in view, true);
  base.timeout = 9; // a view, not a snapshot
  assert.equal(view.timeout, 9);
  assert.equal(view.id, 'm_master');
  assert.equal(reads, 1);
});
