import assert from 'node:assert/strict';
import { test } from 'node:test';
import { readLiveDict } from './live_dict.js';

test('readLiveDict reads a getter at each call, else the value, else the fallback; non-maps give {}', () => {
  let pillar = { role: 'web' };
  const getter = (): Record<string, unknown> => pillar;
  assert.deepEqual(readLiveDict(getter, { role: 'old' }), { role: 'web' });
  pillar = { role: 'db' };
  assert.deepEqual(readLiveDict(getter, undefined), { role: 'db' }, 'a refresh is seen');
  assert.deepEqual(readLiveDict({ a: 1 }, { b: 2 }), { a: 1 });
  assert.deepEqual(readLiveDict(undefined, { b: 2 }), { b: 2 });
  assert.deepEqual(readLiveDict(undefined, ['x']), {});
  assert.deepEqual(readLiveDict(undefined, null), {});
});
