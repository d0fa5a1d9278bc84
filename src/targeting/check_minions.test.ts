/**
 * Replays the master-side cases of conformance/targeting/matchers.json through checkMinions,
 * comparing the minion list (ordered where Salt's order is significant, as a set otherwise),
 * the missing ids and Salt's WARNING+ log records.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadCases } from '../../test/support/conformance.js';
import { checkMinions, type CheckMinionsContext } from './check_minions.js';
import { compareCodePoints } from './_pystr.js';

const cases = loadCases('targeting', 'matchers.json').filter((c) => c.input.side === 'master');

function contextFor(input: any, records: Array<{ level: string; message: string }>): CheckMinionsContext {
  return {
    acceptedIds: input.accepted_minions,
    getMinionData: (id) => input.cache[id],
    cachedIds: Object.keys(input.cache),
    minionDataCache: input.minion_data_cache,
    nodegroups: input.nodegroups,
    greedy: input.greedy,
    delimiter: input.delimiter,
    log: (level, message) => records.push({ level, message }),
  };
}

test('the corpus has master-side cases', () => {
  assert.ok(cases.length >= 30, `only ${cases.length} master-side cases found`);
});

for (const c of cases) {
  test(`master case ${c.id}: ${c.what ?? ''}`, () => {
    const records: Array<{ level: string; message: string }> = [];
    const result = checkMinions(c.input.expr, c.input.tgt_type, contextFor(c.input, records));
    if (c.expected.order_significant) assert.deepEqual(result.minions, c.expected.minions);
    else assert.deepEqual([...result.minions].sort(compareCodePoints), [...c.expected.minions].sort(compareCodePoints));
    assert.deepEqual(result.missing, c.expected.missing);
    assert.deepEqual(records, c.expected.log ?? []);
  });
}

test('checkMinions never counts pending keys and ignores cached ids without a key when greedy', () => {
  const result = checkMinions('os:Debian', 'grain', {
    acceptedIds: ['a'],
    getMinionData: (id) => ({ a: { grains: { os: 'Debian' } }, ghost: { grains: { os: 'Debian' } } })[id],
    cachedIds: ['a', 'ghost'],
  });
  assert.deepEqual(result, { minions: ['a'], missing: [] });
});

const fleet: CheckMinionsContext = {
  acceptedIds: ['web02', 'Bravo', 'alpha', 'web01', 'nocache'],
  getMinionData: (id) =>
    ({
      alpha: { grains: { os: 'Debian', ipv4: ['10.0.0.1'] } },
      Bravo: { grains: { os: 'CentOS', ipv4: ['10.0.0.2'] } },
      web01: { grains: { os: 'Debian', ipv4: ['10.0.2.1'] } },
      web02: { grains: { os: 'Ubuntu', ipv4: ['10.0.2.2'] } },
    })[id],
};

test('checkMinions glob/pcre/list keep Salt order (case-insensitive sort, list order)', () => {
  assert.deepEqual(checkMinions('*', 'glob', fleet).minions, ['alpha', 'Bravo', 'nocache', 'web01', 'web02']);
  assert.deepEqual(checkMinions('web\\d', 'pcre', fleet).minions, ['web01', 'web02']);
  assert.deepEqual(checkMinions('web02,zz,alpha', 'list', fleet), { minions: ['web02', 'alpha'], missing: ['zz'] });
});

test('checkMinions greedy keeps accepted minions without cached data, non-greedy drops them', () => {
  assert.deepEqual(checkMinions('os:Debian', 'grain', fleet).minions, ['alpha', 'nocache', 'web01']);
  assert.deepEqual(checkMinions('os:Debian', 'grain', { ...fleet, greedy: false }).minions, ['alpha', 'web01']);
  assert.deepEqual(checkMinions('10.0.2.0/24', 'ipcidr', { ...fleet, greedy: false }).minions, ['web01', 'web02']);
});

test('checkMinions compound uses set algebra and is skipped without the minion data cache', () => {
  assert.deepEqual(checkMinions('web* and not G@os:Ubuntu', 'compound', fleet).minions, ['web01']);
  assert.deepEqual(checkMinions('web* and not G@os:Ubuntu', 'compound', { ...fleet, minionDataCache: false }).minions.sort(), [
    'Bravo',
    'alpha',
    'nocache',
    'web01',
    'web02',
  ]);
  assert.deepEqual(checkMinions('( web01 or web02', 'compound', fleet).minions, ['web01', 'web02'], 'a missing ) is auto-closed');
});

test('checkMinions reports failures like Salt and returns no minions', () => {
  const logs: string[] = [];
  const log = (_l: string, m: string) => logs.push(m);
  assert.deepEqual(checkMinions('[', 'pcre', { ...fleet, log }), { minions: [], missing: [] });
  assert.deepEqual(checkMinions('web* )', 'compound', { ...fleet, log }), { minions: [], missing: [] });
  assert.deepEqual(logs, [
    'Failed matching available minions with pcre pattern: [',
    'Invalid compound expr (unexpected right parenthesis): web* )',
  ]);
});
