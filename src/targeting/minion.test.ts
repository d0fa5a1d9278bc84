/**
 * Replays the minion-side cases of conformance/targeting/matchers.json: the client step
 * (prepPublishTarget), the master's delimiter rule, then the minion's matcher (matchTarget /
 * minionMatches), comparing the published target, the raw matcher return, the decision, the
 * exception and Salt's WARNING+ log records.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadCases } from '../../test/support/conformance.js';
import { SaltInvocationError } from './errors.js';
import { matchTarget, minionMatches, type TargetLoad } from './minion.js';
import { prepPublishTarget } from './publish.js';
import type { MinionTargetContext, TargetLogger } from './types.js';

interface LogRecord {
  level: string;
  message: string;
}

function recorder(): { records: LogRecord[]; log: TargetLogger } {
  const records: LogRecord[] = [];
  return { records, log: (level, message) => records.push({ level, message }) };
}

const cases = loadCases('targeting', 'matchers.json').filter((c) => c.input.side === 'minion');

test('the corpus has minion-side cases', () => {
  assert.ok(cases.length >= 150, `only ${cases.length} minion-side cases found`);
});

for (const c of cases) {
  test(`minion case ${c.id}: ${c.what}`, () => {
    const input = c.input;
    const expected = c.expected;
    let tgt: unknown = input.tgt;
    let tgtType: string = input.tgt_type;
    if (!input.skip_client) {
      const client = recorder();
      try {
        ({ tgt, tgtType } = prepPublishTarget(input.tgt, input.tgt_type, input.nodegroups ?? {}, '/etc/salt/master', client.log));
      } catch (err) {
        assert.ok(expected.client_error, `unexpected client error: ${(err as Error).message}`);
        assert.ok(err instanceof SaltInvocationError);
        assert.equal(err.name, expected.client_error.type);
        assert.equal(err.message, expected.client_error.message);
        assert.equal(expected.matched, false);
        return;
      }
      assert.equal(expected.client_error, undefined, 'the client should have refused the target');
      assert.deepEqual(client.records, expected.client_log ?? []);
      const published = expected.published ?? { tgt: input.tgt, tgt_type: input.tgt_type };
      assert.deepEqual({ tgt, tgt_type: tgtType }, published);
    }
    const load: TargetLoad = { tgt, tgt_type: tgtType };
    if (input.delimiter !== undefined && input.delimiter !== ':') load.delimiter = input.delimiter;
    const minion = recorder();
    const ctx: MinionTargetContext = {
      id: input.minion_id,
      grains: input.grains,
      pillar: input.pillar,
      nodegroups: input.minion_nodegroups,
      log: minion.log,
    };
    if (expected.exception) {
      assert.throws(
        () => matchTarget(load, ctx),
        (err: any) => err.pyType === expected.exception.type && err.message === expected.exception.message,
      );
      assert.equal(minionMatches(load, { ...ctx, log: undefined }), false, 'a matcher exception means not targeted');
      return;
    }
    assert.deepEqual(matchTarget(load, ctx), expected.matcher_return);
    assert.deepEqual(minion.records, expected.log ?? []);
    assert.equal(minionMatches(load, { ...ctx, log: undefined }), expected.matched);
  });
}

const web01: MinionTargetContext = {
  id: 'web01',
  grains: { os: 'Debian' },
  pillar: { app: { version: '1.2' } },
};

test('matchTarget: no tgt_type means glob; an unknown tgt_type is not targeted', () => {
  assert.equal(matchTarget({ tgt: 'web*' }, web01), true);
  assert.equal(matchTarget({ tgt: 'web*', tgt_type: 'bogus' }, web01), false);
  assert.equal(matchTarget({ tgt: 'x', tgt_type: 'range' }, web01), false);
});

test('matchTarget passes the delimiter to grain/grain_pcre/pillar but not to pillar_pcre', () => {
  assert.equal(matchTarget({ tgt: 'os|Deb*', tgt_type: 'grain', delimiter: '|' }, web01), true);
  assert.equal(matchTarget({ tgt: 'app|version|1.*', tgt_type: 'pillar', delimiter: '|' }, web01), true);
  assert.equal(matchTarget({ tgt: 'app|version|1.*', tgt_type: 'pillar_pcre', delimiter: '|' }, web01), false);
});

test('minionMatches treats a matcher exception as not targeted and [] as false', () => {
  assert.equal(minionMatches({ tgt: '[', tgt_type: 'pcre' }, web01), false);
  assert.equal(minionMatches({ tgt: 'bad', tgt_type: 'ipcidr' }, web01), false);
  assert.equal(minionMatches({ tgt: 'web*', tgt_type: 'compound' }, web01), true);
});
