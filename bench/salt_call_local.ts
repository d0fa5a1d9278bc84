/**
 * `salt-call --local test.ping` wall time (no master: a temporary minion config and root),
 * interleaved with the `node -e 0` baseline.
 *
 *   node dist/bench/salt_call_local.js [--n 20] [--warmup 3]
 *
 * Prints one JSON line; `skipped: true` when salt-call is not built yet.
 * Real Salt 3006.10 took 731 ms median on the reference machines.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from '../test/support/conformance.js';
import { binPath } from '../test/support/cluster.js';
import { interleaved, intArg, machine, report, round1, summarize, summarizeCpu, timeRun } from './_support.js';

const SALT_3006_MS = 731;
const GOAL_MS = 120;

async function main(): Promise<void> {
  const n = intArg('n', 20);
  const warmup = intArg('warmup', 3);
  if (!existsSync(join(repoRoot, 'dist', 'src', 'programs', 'salt_call.js'))) {
    report({ bench: 'salt_call_local', skipped: true, reason: 'salt-call is not built (dist/src/programs/salt_call.js missing)', machine: machine() });
    return;
  }
  const root = mkdtempSync(join(tmpdir(), 'salt-ts-bench-'));
  try {
    const configDir = join(root, 'etc', 'salt');
    mkdirSync(configDir, { recursive: true });
    writeFileSync(join(configDir, 'minion'), `id: bench-minion\nroot_dir: ${JSON.stringify(root)}\nfile_client: local\n`);
    const args = [binPath('salt-call'), '-c', configDir, '--local', 'test.ping'];
    const samples = await interleaved(
      n,
      warmup,
      () => timeRun(process.execPath, args),
      (r) => (r.code === 0 && r.stdout === 'local:\n    True\n' ? null : `salt-call exited ${r.code} with unexpected output`),
    );
    const call = summarize(samples.subject);
    const baseline = summarize(samples.baseline);
    report({
      bench: 'salt_call_local',
      command: 'node bin/salt-call -c <tmp>/etc/salt --local test.ping',
      unit: 'ms',
      salt_call: call,
      baseline_node_e0: baseline,
      cpu_ms: { salt_call: summarizeCpu(samples.subjectCpu), baseline_node_e0: summarizeCpu(samples.baselineCpu) },
      over_baseline_ms: round1(call.median - baseline.median),
      ratio_to_baseline: round1(call.median / baseline.median),
      ratio_to_salt_3006: Math.round((call.median / SALT_3006_MS) * 1000) / 1000,
      salt_3006_ms: SALT_3006_MS,
      goal_ms: GOAL_MS,
      goal_met: call.median <= GOAL_MS,
      machine: machine(),
    });
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

await main();
