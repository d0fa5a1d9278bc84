/** Replays state/requisites.json: requisites, ordering, failhard, onlyif/unless, retry, errors. */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { test } from 'node:test';
import { loadCases } from '../../test/support/conformance.js';
import { applyStates } from './apply.js';
import { assertStatesEqual, caseFiles, caseLoader } from './_replay.js';

interface Input {
  files: Record<string, Record<string, string>>;
  sls: string;
  test: boolean;
  opts?: Record<string, unknown>;
}

/** Cases that cannot pass yet, with the reason. */
const EXCLUDED: Record<string, string | undefined> = {
};

for (const c of loadCases<Input>('state', 'requisites.json')) {
  test(`${c.id}: ${c.what}`, { skip: EXCLUDED[c.id] }, async () => {
    const loader = caseLoader(c.input.opts ?? {});
    const out = await applyStates({
      mods: c.input.sls.split(','),
      saltenv: 'base',
      test: c.input.test,
      fileClient: caseFiles(c.input.files),
      caller: loader.makeContext(),
    });
    assert.equal(out.retcode, c.expected.retcode);
    if ('errors' in c.expected) {
      assert.ok('errors' in out, `expected errors, got ${JSON.stringify(out)}`);
      assert.deepEqual(out.errors, c.expected.errors);
    } else {
      assert.ok('states' in out, `expected states, got ${JSON.stringify(out)}`);
      assertStatesEqual(out.states, c.expected.states);
    }
  });
}
