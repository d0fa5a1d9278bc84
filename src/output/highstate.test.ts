import assert from 'node:assert/strict';
import { test } from 'node:test';
import { OutputDataError } from './errors.js';
import { highstateOutput } from './highstate.js';
import type { OutputOpts } from './types.js';

const BASE: OutputOpts = { color: false, state_output: 'full', state_verbose: true, state_output_profile: true };
const run = (data: unknown, opts: OutputOpts = {}) => highstateOutput(data, { opts: { ...BASE, ...opts }, kwargs: {} });

function state(id: string, name: string, runNum: number, result: boolean | null, changes: object = {}, extra = {}) {
  return [
    `test_|-${id}_|-${name}_|-succeed_with_changes`,
    { __id__: id, __sls__: 'compress_test', __run_num__: runNum, name, result, changes, comment: 'Success!', duration: 0.5, start_time: `15:38:22.63${runNum}`, ...extra },
  ] as const;
}

test('state_output_pct adds Success % and Failure % to the summary', () => {
  const host = Object.fromEntries([state('a', 'a', 0, true), state('b', 'b', 1, true), state('c', 'c', 2, false)]);
  const text = run({ m: host }, { state_output_pct: true });
  assert.match(text, /\nSucceeded: 2\nFailed:    1\nSuccess %: 66\.67\nFailure %: 33\.33\n/);
});

test('state_compress_ids folds the names of one ID into one state with a count', () => {
  const testing = { testing: { new: 'Something pretended to change', old: 'Unchanged' } };
  const host = Object.fromEntries([
    state('succeed with changes', 'hello', 0, true, testing),
    state('succeed with changes', 'world', 1, true, testing),
    state('succeed with changes', 'foo', 2, true, testing),
    state('single clean', 'single', 3, true),
  ]);
  const text = run({ local: host }, { state_compress_ids: true });
  assert.ok(text.includes('          ID: succeed with changes (3)\n'));
  assert.ok(text.includes('        Name: state_compressed_compress_test_succeed with changes_True\n'));
  assert.ok(text.includes('              compressed changes:\n'));
  assert.ok(text.includes('    Duration: 1.5 ms\n'));
  assert.ok(text.includes('Succeeded: 4 (changed=3)\n'));
  assert.ok(text.includes('Total states run:     4\n'));
});

test('parallel states add only their longest duration to the total run time', () => {
  const host = Object.fromEntries([
    state('a', 'a', 0, true, {}, { duration: 0.698 }),
    state('b', 'b', 1, true, {}, { duration: 10007.711, __parallel__: true }),
    state('c', 'c', 2, true, {}, { duration: 10008.646, __parallel__: true }),
    state('d', 'd', 3, true, {}, { duration: 0.762 }),
  ]);
  assert.ok(run({ local: host }).endsWith('Total run time:  10.010 s'));
});

test('a string state_tabular is used as the terse line format', () => {
  const host = Object.fromEntries([state('a', 'x', 0, true)]);
  const text = run({ m: host }, { state_output: 'terse', state_tabular: '{2}.{3} {4:>8} {1} {6[duration]}' });
  assert.ok(text.startsWith('m:\ntest.succeed_with_changes    Clean x 0.5\n'));
});

test('terse lines carry their warnings above them', () => {
  const host = Object.fromEntries([state('a', 'a', 0, true, {}, { warnings: ['careful'] })]);
  assert.ok(run({ m: host }, { state_output: 'terse' }).startsWith('m:\nWarnings:\ncareful  Name: a - Function'));
});

test('data that is not state results makes the outputter fail so Salt falls back to nested', () => {
  assert.throws(() => run(42), OutputDataError);
  assert.throws(() => run(['x']), OutputDataError);
  assert.equal(run('done'), 'done');
  assert.equal(run(null), 'None');
});
