import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compoundMatch } from './compound.js';
import { nodegroupMatch } from './nodegroup.js';
import { PyRegexError } from './pyregex.js';
import type { MinionTargetContext } from './types.js';

function ctx(logs: string[] = [], nodegroups?: MinionTargetContext['nodegroups']): MinionTargetContext {
  return {
    id: 'web01.example.com',
    grains: { os: 'Debian', datacenter: { rack: 'r12' }, ipv4: ['10.0.1.15'] },
    pillar: { role: 'webserver', app: { version: '1.2.3' } },
    nodegroups,
    log: (_l, m) => logs.push(m),
  };
}

test('compoundMatch combines engine words with and/or/not and parentheses', () => {
  assert.equal(compoundMatch('web* and G@os:Debian', ctx()), true);
  assert.equal(compoundMatch('db* or I@role:web*', ctx()), true);
  assert.equal(compoundMatch('not ( web* or db* )', ctx()), false);
  assert.equal(compoundMatch('web* not db*', ctx()), true, 'a not after an operand implies and');
  assert.equal(compoundMatch('web* or db* and G@os:RedHat', ctx()), true, 'and binds tighter than or');
  assert.equal(compoundMatch(['web*', 'and', 'E@web\\d+'], ctx()), true, 'a word list is accepted');
});

test('compoundMatch engine delimiters: G|@a|b, I%@...', () => {
  assert.equal(compoundMatch('G|@datacenter|rack|r12', ctx()), true);
  assert.equal(compoundMatch('I%@app%version%1.2.3', ctx()), true);
  assert.equal(compoundMatch('J;@app;version;1\\..*', ctx()), true);
});

test('compoundMatch returns Python values: [] from an invalid S@ survives "and"', () => {
  assert.deepEqual(compoundMatch('G@os:Debian and S@bad', ctx()), []);
  assert.equal(compoundMatch('S@bad or web*', ctx()), true);
});

test('compoundMatch: malformed expressions log Salt\'s error and return false', () => {
  const logs: string[] = [];
  assert.equal(compoundMatch('web* db*', ctx(logs)), false);
  assert.equal(compoundMatch('and web*', ctx(logs)), false);
  assert.equal(compoundMatch('( or web* )', ctx(logs)), false);
  assert.equal(compoundMatch('R@%cluster', ctx(logs)), false);
  assert.deepEqual(logs, [
    'Invalid compound target: web* db* for results: True False',
    'Invalid beginning operator: and',
    'Invalid beginning operator after "(": or',
    'Unrecognized target engine "R" for target expression "R@%cluster"',
  ]);
});

test('compoundMatch lets an invalid E@ regex escape', () => {
  assert.throws(() => compoundMatch('E@[ or web*', ctx()), PyRegexError);
});

test('compoundMatch expands N@ with the minion nodegroups', () => {
  assert.equal(compoundMatch('N@webs and G@os:Debian', ctx([], { webs: 'web*' })), true);
  const logs: string[] = [];
  assert.equal(compoundMatch('N@webs', ctx(logs, {})), false);
  assert.deepEqual(logs, ['Failed nodegroup expansion: unknown nodegroup "webs"', 'Invalid compound target: N@webs for results: ']);
});

test('nodegroupMatch needs nodegroups (Salt\'s minion passes none)', () => {
  assert.equal(nodegroupMatch('webs', undefined, ctx()), false);
  assert.equal(nodegroupMatch('webs', { webs: 'web*' }, ctx()), true);
  assert.equal(nodegroupMatch('dbs', { webs: 'web*' }, ctx()), false);
});
