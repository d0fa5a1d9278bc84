/**
 * CI smoke test of the minion swarm benchmark: a real master and 50 real minions (one host
 * process) on loopback; every ping must come back from all 50 minions, nothing lost.
 * Keys are generated for the run (about 5 s for 50) in a temporary cache, not the user's.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runSwarm } from '../../bench/swarm/swarm.js';

test('a swarm of 50 minions signs in with auto_accept and answers every test.ping, 0 lost', { timeout: 90_000 }, async () => {
  const keyDir = mkdtempSync(join(tmpdir(), 'salt-ts-swarm-keys-'));
  try {
    const r = await runSwarm({ minions: 50, rounds: 2, storm: 50, hosts: 1, skipLoad: true, keep: false, keyDir });
    assert.equal(r.minions, 50);
    assert.equal(r.auth_minions, 50);
    assert.equal(r.lost, 0);
    assert.equal(r.ping_rounds_s.length, 2);
    assert.equal(r.minion_returns_failed, 0);
    assert.ok(r.auth_s > 0 && r.ping_p50_s > 0, `timings measured: ${JSON.stringify(r)}`);
  } finally {
    rmSync(keyDir, { recursive: true, force: true });
  }
});
