/**
 * Replays the jobs real Salt minions ran in wire/capture.json (3006.10) and capture-v3.json: the decrypted publish load
 * goes through runFunction and must give the `return`, `retcode` and `success` the real minion sent.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadCases } from '../../test/support/conformance.js';
import { PyFloat } from '../protocol/pytypes.js';
import { Loader } from './loader.js';
import { runFunction } from './run.js';

/** Decodes the corpus' tagged JSON values ({"$float": x}); other tags do not occur in these jobs. */
function untag(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(untag);
  if (v && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    if ('$float' in o && Object.keys(o).length === 1) {
      const n = Number(o.$float);
      return Number.isInteger(n) ? new PyFloat(n) : n;
    }
    return Object.fromEntries(Object.entries(o).map(([k, val]) => [k, untag(val)]));
  }
  return v;
}

for (const file of ['capture.json', 'capture-v3.json']) {
  const cases = loadCases('wire', file);
  const byId = new Map(cases.map((c) => [c.id, c]));

  for (const c of cases.filter((c) => c.id.startsWith('return-'))) {
    const job = c.id.slice('return-'.length);
    const publish = byId.get(`publish-${job}`);
    if (!publish) continue;
    test(`conformance ${file} ${c.id}: runFunction gives what the real minion returned`, async () => {
      const { serial: _serial, ...load } = untag(publish.expected.load) as Record<string, unknown>;
      const sent = untag(c.expected.request.load) as Record<string, unknown>;
      const loader = new Loader({ opts: { id: 'capture-minion' } });
      const r = await runFunction(loader, String(load.fun), load.arg as unknown[], load);
      assert.deepEqual(r.return, sent.return);
      assert.deepEqual(Object.keys(r.return as object ?? {}), Object.keys((sent.return as object) ?? {}));
      if (r.return && typeof r.return === 'object' && 'kwargs' in r.return) {
        assert.deepEqual(Object.keys((r.return as { kwargs: object }).kwargs), Object.keys((sent.return as { kwargs: object }).kwargs));
      }
      assert.equal(r.retcode, sent.retcode);
      assert.equal(r.success, sent.success);
      assert.equal(r.out, sent.out);
    });
  }
}
