import { test } from 'node:test';
import assert from 'node:assert/strict';
import { validMinionId } from './minion_id.js';

test('ordinary minion ids are valid', () => {
  for (const id of ['m1', 'web01.example.com', 'capture-minion', 'héllo', '...', '.hidden', 'a..b', 'x y']) {
    assert.equal(validMinionId(id), true, id);
  }
});

test('ids with /, \\ or NUL, and ids that escape the directory are invalid', () => {
  for (const id of ['../evil', 'a/b', '/abs', 'a\\b', '..\\x', 'x\0y', '..', '.', '']) {
    assert.equal(validMinionId(id), false, JSON.stringify(id));
  }
});

test('non-text ids are invalid', () => {
  for (const id of [null, undefined, 1, ['m1'], { id: 'm1' }, Buffer.from('m1')]) {
    assert.equal(validMinionId(id), false, String(id));
  }
});
