import { test } from 'node:test';
import assert from 'node:assert/strict';
import { tagMatcher } from './matcher.js';
import { InvalidEventError } from './errors.js';

test('startswith is the default match type', () => {
  const m = tagMatcher('salt/job/1');
  assert.ok(m('salt/job/1/ret/m1'));
  assert.ok(!m('salt/job/2'));
  assert.ok(tagMatcher('')('anything'));
});

test('endswith, find, regex (anchored at start) and fnmatch', () => {
  assert.ok(tagMatcher('/start', 'endswith')('salt/minion/m1/start'));
  assert.ok(tagMatcher('minion', 'find')('salt/minion/m1/start'));
  assert.ok(tagMatcher('salt/job/\\d+/ret', 'regex')('salt/job/123/ret/m1'));
  assert.ok(!tagMatcher('job', 'regex')('salt/job/123'));
  assert.ok(tagMatcher('salt/job/*/ret/*', 'fnmatch')('salt/job/1/ret/m1'));
  assert.ok(!tagMatcher('salt/job/*/ret', 'fnmatch')('salt/job/1/ret/m1'));
  assert.ok(tagMatcher('salt/key/[!x]?', 'fnmatch')('salt/key/ab'));
  assert.ok(!tagMatcher('salt/key/[!a]?', 'fnmatch')('salt/key/ab'));
});

test('fnmatch escapes regex characters and keeps an unclosed [ literal', () => {
  assert.ok(tagMatcher('a.b+(c)', 'fnmatch')('a.b+(c)'));
  assert.ok(!tagMatcher('a.b', 'fnmatch')('axb'));
  assert.ok(tagMatcher('a[b', 'fnmatch')('a[b'));
});

test('an unknown match type or a bad regex is rejected', () => {
  assert.throws(() => tagMatcher('x', 'glob' as never), InvalidEventError);
  assert.throws(() => tagMatcher('(', 'regex'), InvalidEventError);
});
