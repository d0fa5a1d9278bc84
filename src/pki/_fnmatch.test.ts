import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fnmatch } from '../targeting/fnmatch.js';
import { exprMatch } from './_fnmatch.js';

test('fnmatch() follows Python fnmatch on POSIX: *, ?, [seq], [!seq], case-sensitive, * crosses /', () => {
  assert.equal(fnmatch('web01', 'web*'), true);
  assert.equal(fnmatch('Web01', 'web*'), false);
  assert.equal(fnmatch('a/b', 'a*'), true);
  assert.equal(fnmatch('web1', 'web?'), true);
  assert.equal(fnmatch('web12', 'web?'), false);
  assert.equal(fnmatch('web1', 'web[0-2]'), true);
  assert.equal(fnmatch('web3', 'web[!0-2]'), true);
  assert.equal(fnmatch('web1', 'web[!0-2]'), false);
  assert.equal(fnmatch('a[b', 'a[b'), true);
  assert.equal(fnmatch('a.b', 'a.b'), true);
  assert.equal(fnmatch('axb', 'a.b'), false);
  assert.equal(fnmatch(']', '[]]'), true);
});

test('exprMatch() tries the glob, then a regex anchored at the start and the end like re.match(\\A...\\Z)', () => {
  assert.equal(exprMatch('db42', 'db[0-9]+'), true);
  assert.equal(exprMatch('db42x', 'db[0-9]+'), false);
  assert.equal(exprMatch('xdb42', 'db[0-9]+'), false);
  // Python does not group the alternation: \Aa|b\Z matches anything starting with "a" (re.match),
  // and "b" alone.
  assert.equal(exprMatch('abc', 'a|b'), true);
  assert.equal(exprMatch('cb', 'a|b'), false);
  assert.equal(exprMatch('x', '(unclosed'), false);
});
