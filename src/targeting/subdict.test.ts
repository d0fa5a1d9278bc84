import assert from 'node:assert/strict';
import { test } from 'node:test';
import { subdictMatch } from './subdict.js';

const grains = {
  os: 'Debian',
  roles: ['web', 'frontend'],
  datacenter: { rack: 'r12', power: { feed: 'A' } },
  tags: [{ name: 'alpha' }, { name: 'beta', prio: 2 }],
  list_nums: [1, 2, 3],
  colon_grain: 'a:b:c',
  none_grain: null,
  bool_t: true,
  emptydict: {},
};

test('subdictMatch: no delimiter never matches', () => {
  assert.equal(subdictMatch(grains, 'os'), false);
});

test('subdictMatch: leaves match as case-insensitive globs of Python str()', () => {
  assert.equal(subdictMatch(grains, 'os:deb*'), true);
  assert.equal(subdictMatch(grains, 'OS:Debian'), false, 'keys stay case-sensitive');
  assert.equal(subdictMatch(grains, 'none_grain:None'), true);
  assert.equal(subdictMatch(grains, 'bool_t:TRUE'), true);
  assert.equal(subdictMatch({ g: 'GRÜSS' }, 'g:grüß'), false, "str.lower() keeps 'ß'");
});

test('subdictMatch: the deepest key is tried first and the pattern may hold the delimiter', () => {
  assert.equal(subdictMatch(grains, 'colon_grain:a:b:c'), true);
  assert.equal(subdictMatch(grains, 'datacenter:power:feed:a'), true);
  assert.equal(subdictMatch({ p: 'p|q' }, 'p|p|q', { delimiter: '|' }), true);
});

test('subdictMatch: dicts match * or one of their keys, not a glob of keys', () => {
  assert.equal(subdictMatch(grains, 'datacenter:*'), true);
  assert.equal(subdictMatch(grains, 'datacenter:rack'), true);
  assert.equal(subdictMatch(grains, 'datacenter:ra*'), false);
  assert.equal(subdictMatch(grains, 'emptydict:*'), false, 'an empty dict counts as missing');
});

test('subdictMatch: lists match by member, index or embedded dict', () => {
  assert.equal(subdictMatch(grains, 'roles:fro*'), true);
  assert.equal(subdictMatch(grains, 'list_nums:0:1'), true);
  assert.equal(subdictMatch(grains, 'list_nums:-1:3'), true, 'Python negative index');
  assert.equal(subdictMatch(grains, 'tags:name:alpha'), true);
  assert.equal(subdictMatch(grains, 'tags:prio'), true);
  assert.equal(subdictMatch(grains, "tags:*'name': 'alpha'*"), true, 'a dict member is also matched as its str()');
});

test('subdictMatch: a *: prefix searches every nested value', () => {
  assert.equal(subdictMatch(grains, '*:rack:r12'), true);
  assert.equal(subdictMatch(grains, '*:frontend'), true);
  assert.equal(subdictMatch(grains, '*:nothere'), false);
});

test('subdictMatch regex mode: re.match on the lower-cased pattern; a bad regex logs and fails', () => {
  assert.equal(subdictMatch(grains, 'os:deb', { regexMatch: true }), true);
  assert.equal(subdictMatch(grains, 'os:ian', { regexMatch: true }), false);
  assert.equal(subdictMatch(grains, 'os:\\D+', { regexMatch: true }), false, '\\D is lowered to \\d');
  const logs: string[] = [];
  assert.equal(subdictMatch(grains, 'os:[', { regexMatch: true, log: (_l, msg) => logs.push(msg) }), false);
  assert.deepEqual(logs, ["Invalid regex '[' in match"]);
});

test('subdictMatch exact mode compares lower-cased text', () => {
  assert.equal(subdictMatch(grains, 'os:DEBIAN', { exactMatch: true }), true);
  assert.equal(subdictMatch(grains, 'os:Deb*', { exactMatch: true }), false);
});

test('subdictMatch retries a missed key YAML-loaded (quoted key)', () => {
  assert.equal(subdictMatch({ foo: 'bar' }, "'foo':bar"), true);
});
