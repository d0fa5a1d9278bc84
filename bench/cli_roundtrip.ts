/**
 * `salt '*' test.ping` wall time against one real master and one real minion (separate processes,
 * temporary root, loopback, random ports), interleaved with the `node -e 0` baseline.
 *
 *   node dist/bench/cli_roundtrip.js [--n 30] [--warmup 3]
 *
 * Prints one JSON line. Real Salt 3006.10 took 634 ms median on the reference machines.
 */
import { binPath, TestCluster } from '../test/support/cluster.js';
import { interleaved, intArg, machine, report, round1, summarize, summarizeCpu, timeRun } from './_support.js';

const SALT_3006_MS = 634;
const GOAL_MS = 80;

async function main(): Promise<void> {
  const n = intArg('n', 30);
  const warmup = intArg('warmup', 3);
  const cluster = await TestCluster.start({ minions: ['bench-minion'] });
  try {
    const args = [binPath('salt'), '-c', cluster.masterConfigDir, '*', 'test.ping'];
    const samples = await interleaved(
      n,
      warmup,
      () => timeRun(process.execPath, args),
      (r) => (r.code === 0 && r.stdout === 'bench-minion:\n    True\n' ? null : `salt exited ${r.code} with unexpected output`),
    );
    const salt = summarize(samples.subject);
    const baseline = summarize(samples.baseline);
    report({
      bench: 'cli_roundtrip',
      command: `node bin/salt -c <tmp>/master/etc/salt '*' test.ping`,
      unit: 'ms',
      salt,
      baseline_node_e0: baseline,
      cpu_ms: { salt: summarizeCpu(samples.subjectCpu), baseline_node_e0: summarizeCpu(samples.baselineCpu) },
      over_baseline_ms: round1(salt.median - baseline.median),
      ratio_to_baseline: round1(salt.median / baseline.median),
      ratio_to_salt_3006: Math.round((salt.median / SALT_3006_MS) * 1000) / 1000,
      salt_3006_ms: SALT_3006_MS,
      goal_ms: GOAL_MS,
      goal_met: salt.median <= GOAL_MS,
      machine: machine(),
    });
  } finally {
    await cluster.stop();
  }
}

await main();
