import assert from 'node:assert/strict';
import { test } from 'node:test';
import { nodegroupComp } from './nodegroup_comp.js';

const groups = {
  web: 'web*',
  ids: ['a', 'b'],
  plain: 'a b',
  regex: ['web\\d+', 'db-0[0-9]'],
  starred: ['web\\d+.*', 'db.*'],
  both: 'N@web or N@ids',
  loop_a: 'N@loop_b or web*',
  loop_b: 'N@loop_a',
  words: ['G@os:Debian', 'and', 'L@x'],
  empty: '',
};

test('nodegroupComp keeps a top-level group without nested groups as its words', () => {
  assert.deepEqual(nodegroupComp('web', groups), ['web*']);
  assert.deepEqual(nodegroupComp('words', groups), ['G@os:Debian', 'and', 'L@x']);
  assert.deepEqual(nodegroupComp('starred', groups), ['web\\d+.*', 'db.*']);
});

test('nodegroupComp joins plain words into one L@ or E@ word', () => {
  assert.deepEqual(nodegroupComp('ids', groups), ['L@a,b']);
  assert.deepEqual(nodegroupComp('plain', groups), ['L@a,b']);
  assert.deepEqual(nodegroupComp('regex', groups), ['E@web\\d+,db-0[0-9]']);
  assert.deepEqual(nodegroupComp('empty', groups), ['L@']);
});

test('nodegroupComp wraps nested groups in parentheses; a nested plain group becomes one word', () => {
  assert.deepEqual(nodegroupComp('both', groups), ['(', '(', 'web*', ')', 'or', 'L@a,b', ')']);
});

test('nodegroupComp: unknown and cyclic groups expand to nothing and log an error', () => {
  const logs: string[] = [];
  const log = (_l: string, m: string) => logs.push(m);
  assert.deepEqual(nodegroupComp('nope', groups, log), []);
  assert.deepEqual(nodegroupComp('loop_a', groups, log), ['(', 'or', 'web*', ')']);
  assert.deepEqual(logs, [
    'Failed nodegroup expansion: unknown nodegroup "nope"',
    'Failed nodegroup expansion: illegal nested nodegroup "loop_a"',
  ]);
});
