/** Unit tests of the single-engine matchers: glob, pcre, list, grain, pillar. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { globMatch } from './glob.js';
import { grainMatch, grainPcreMatch } from './grain.js';
import { listMatch } from './list.js';
import { pcreMatch } from './pcre.js';
import { pillarExactMatch, pillarMatch, pillarPcreMatch } from './pillar.js';
import { TargetMatchError } from './errors.js';

test('globMatch: a non-string target never matches', () => {
  assert.equal(globMatch('web*', 'web01'), true);
  assert.equal(globMatch(['web*'], 'web01'), false);
});

test('pcreMatch: re.match semantics, TypeError for a non-string target', () => {
  assert.equal(pcreMatch('web|db', 'db-02'), true);
  assert.equal(pcreMatch('01$', 'web01'), false);
  assert.throws(() => pcreMatch(['x'], 'web01'), TargetMatchError);
});

test('listMatch: comma rules without trimming; arrays by membership', () => {
  assert.equal(listMatch('a,web01,b', 'web01'), true);
  assert.equal(listMatch('web01,', 'web01'), true);
  assert.equal(listMatch(',web01', 'web01'), true);
  assert.equal(listMatch('a, web01', 'web01'), false);
  assert.equal(listMatch('xweb01,b', 'web01'), false);
  assert.equal(listMatch(['a', 'web01'], 'web01'), true);
});

test('grain and pillar matchers log Salt\'s message when the delimiter is missing', () => {
  const logs: string[] = [];
  const log = (_l: string, m: string) => logs.push(m);
  assert.equal(grainMatch('os', { os: 'x' }, ':', log), false);
  assert.equal(grainPcreMatch('os', { os: 'x' }, ':', log), false);
  assert.equal(pillarMatch('role', { role: 'x' }, ':', log), false);
  assert.equal(pillarPcreMatch('role', { role: 'x' }, ':', log), false);
  assert.deepEqual(logs, [
    'Got insufficient arguments for grains match statement from master',
    'Got insufficient arguments for grains pcre match statement from master',
    'Got insufficient arguments for pillar match statement from master',
    'Got insufficient arguments for pillar PCRE match statement from master',
  ]);
});

test('grain/pillar matchers honour a custom delimiter; exact mode needs equality', () => {
  assert.equal(grainMatch('dc|rack|r1*', { dc: { rack: 'r12' } }, '|'), true);
  assert.equal(pillarPcreMatch('app:name:SHOP$', { app: { name: 'Shop' } }), true);
  assert.equal(pillarExactMatch('role:web*', { role: 'webserver' }), false);
  assert.equal(pillarExactMatch('role:WEBSERVER', { role: 'webserver' }), true);
});
