import assert from 'node:assert/strict';
import { test } from 'node:test';
import { applyStates, showLow, showTop } from './apply.js';
import { caseFiles, caseLoader } from './_replay.js';

test('applyStates runs a 200-state SLS with requisites quickly', async () => {
  let sls = '';
  for (let i = 0; i < 200; i++) {
    sls += `s${i}:\n  test.succeed_with_changes:${i ? `\n    - require:\n      - test: s${i - 1}\n` : ' []\n'}`;
  }
  const loader = caseLoader();
  const t0 = performance.now();
  const out = await applyStates({ mods: ['main'], fileClient: caseFiles({ base: { 'main.sls': sls } }), caller: loader.makeContext() });
  const ms = performance.now() - t0;
  assert.ok('states' in out, JSON.stringify(out).slice(0, 300));
  assert.equal(Object.keys(out.states).length, 200);
  assert.equal(out.retcode, 0);
  assert.ok(ms < 1500, `took ${ms} ms`);
});

test('applyStates returns the not-found comment for a missing sls requisite', async () => {
  const loader = caseLoader();
  const out = await applyStates({
    mods: ['main'],
    fileClient: caseFiles({ base: { 'main.sls': 'a:\n  test.nop:\n    - require:\n      - sls: other\n' } }),
    caller: loader.makeContext(),
  });
  assert.ok('states' in out);
  assert.match(String(out.states['test_|-a_|-a_|-nop'].comment), /sls: other/);
  assert.equal(out.retcode, 2);
});

test('applyStates reports a missing SLS as an error with retcode 1', async () => {
  const out = await applyStates({ mods: ['nope'], fileClient: caseFiles({ base: {} }), caller: caseLoader().makeContext() });
  assert.deepEqual(out, { errors: ["No matching sls found for 'nope' in env 'base'"], retcode: 1 });
});

test('check_cmd decides the result of a state', async () => {
  const out = await applyStates({
    mods: ['main'],
    fileClient: caseFiles({ base: { 'main.sls': "a:\n  test.succeed_with_changes:\n    - check_cmd:\n      - 'false'\n" } }),
    caller: caseLoader().makeContext(),
  });
  assert.ok('states' in out);
  const r = out.states['test_|-a_|-a_|-succeed_with_changes'];
  assert.equal(r.result, false);
  assert.equal(r.comment, 'check_cmd determined the state failed');
});

test('creates skips a state when the file exists', async () => {
  const out = await applyStates({
    mods: ['main'],
    fileClient: caseFiles({ base: { 'main.sls': 'a:\n  test.succeed_with_changes:\n    - creates: /\n' } }),
    caller: caseLoader().makeContext(),
  });
  assert.ok('states' in out);
  assert.equal(out.states['test_|-a_|-a_|-succeed_with_changes'].comment, '/ exists');
});

test('showTop merges base and env top files, showLow orders chunks', async () => {
  const files = caseFiles({
    base: { 'top.sls': "base:\n  '*':\n    - a\n", 'a.sls': 'x:\n  test.nop: []\ny:\n  test.nop:\n    - order: 1\n' },
  });
  const caller = caseLoader().makeContext();
  assert.deepEqual(await showTop({ fileClient: files, caller }), { base: ['a'] });
  const low = await showLow({ fileClient: files, caller });
  assert.deepEqual(low.chunks?.map((c) => [c.name, c.order]), [['y', 1], ['x', 10000]]);
});
