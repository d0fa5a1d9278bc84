/**
 * CI smoke test of the minion swarm benchmark: a real master and 50 real minions (one host
 * process) on loopback; every ping must come back from all 50 minions, nothing lost.
 * Keys are generated for the run (about 5 s for 50) in a temporary cache, not the user's.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runSwarm } from '../../bench/swarm/swarm.js';
import { processAlive } from '../support/processes.js';

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

test('an interrupted swarm (Ctrl-C while holding) stops its master and removes its root', { timeout: 90_000 }, async () => {
  const keyDir = mkdtempSync(join(tmpdir(), 'salt-ts-swarm-keys-'));
  const swarm = spawn(process.execPath, [fileURLToPath(new URL('../../bench/swarm/swarm.js', import.meta.url)), '--minions', '3', '--storm', '3', '--hosts', '1', '--rounds', '1', '--skip-load', '--hold', '120', '--keys-dir', keyDir], { stdio: ['ignore', 'pipe', 'pipe'] });
  try {
    let stderr = '';
    const masterDir = await new Promise<string>((resolve, reject) => {
      swarm.stderr!.on('data', (d: Buffer) => {
        stderr += d;
        const m = /holding \d+ s: try\s+bin\/salt -c (\S+)/.exec(stderr);
        if (m) resolve(m[1]!);
      });
      swarm.once('exit', (code) => reject(new Error(`swarm exited ${code} before holding:\n${stderr}`)));
    });
    const root = join(masterDir, '..', '..', '..');
    const masterPid = Number(readFileSync(join(root, 'master', 'var', 'run', 'salt-master.pid'), 'utf8'));
    assert.ok(masterPid > 0 && processAlive(masterPid), 'the master runs while the swarm holds');
    const exited = new Promise<number | null>((resolve) => swarm.once('exit', (code) => resolve(code)));
    swarm.kill('SIGINT');
    assert.equal(await exited, 130);
    assert.equal(processAlive(masterPid), false, 'the master was stopped');
    assert.equal(existsSync(root), false, `${root} was removed`);
  } finally {
    swarm.kill('SIGKILL');
    rmSync(keyDir, { recursive: true, force: true });
  }
});
