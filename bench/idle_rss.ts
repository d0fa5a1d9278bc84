/**
 * Resident memory of an idle master (main thread and its worker threads: one process) and of an
 * idle minion after it has authenticated and answered one `test.ping`, read from
 * `/proc/<pid>/status` after `--settle` seconds of idleness. The baseline is an idle
 * `node -e 'setInterval(...)'` measured in the same run.
 *
 *   node dist/bench/idle_rss.js [--workers 5] [--settle 5]
 *
 * `--workers` is the master's `worker_threads` (Salt's default is 5). Prints one JSON line.
 * Real Salt 3006.10: master 728 MiB (12 processes), minion 64 MiB.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { TestCluster } from '../test/support/cluster.js';
import { childPids, intArg, machine, procMemory, report, sleep, type ProcMemory } from './_support.js';

const SALT_3006 = { master_mib: 728, minion_mib: 64 };
const GOALS = { master_mib: 80, minion_mib: 45 };

function pidFrom(file: string): number {
  const pid = Number(readFileSync(file, 'utf8').trim());
  if (!Number.isInteger(pid) || pid <= 0) throw new Error(`expected a pid in ${file}, got ${JSON.stringify(readFileSync(file, 'utf8'))}`);
  return pid;
}

/** Memory of `pid` plus a note of any child process (whose memory would not be counted). */
function daemonMemory(pid: number): ProcMemory & { children: number[] } {
  return { ...procMemory(pid), children: childPids(pid) };
}

async function idleNodeMemory(settleMs: number): Promise<ProcMemory> {
  const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
  try {
    await sleep(settleMs);
    return procMemory(child.pid!);
  } finally {
    child.kill('SIGKILL');
  }
}

async function main(): Promise<void> {
  const workers = intArg('workers', 5);
  const settleMs = intArg('settle', 5) * 1000;
  const cluster = await TestCluster.start({ minions: ['bench-minion'], master: { worker_threads: workers } });
  try {
    const masterPid = pidFrom(join(cluster.root, 'master', 'var', 'run', 'salt-master.pid'));
    const minionPid = pidFrom(join(cluster.root, 'minion-bench-minion', 'var', 'run', 'salt-minion.pid'));
    await sleep(settleMs);
    const master = daemonMemory(masterPid);
    const minion = daemonMemory(minionPid);
    const baseline = await idleNodeMemory(Math.min(settleMs, 2000));
    report({
      bench: 'idle_rss',
      unit: 'MiB',
      master_worker_threads: workers,
      master,
      minion,
      baseline_idle_node: baseline,
      master_over_baseline_mib: Math.round((master.rssMiB - baseline.rssMiB) * 10) / 10,
      minion_over_baseline_mib: Math.round((minion.rssMiB - baseline.rssMiB) * 10) / 10,
      salt_3006: SALT_3006,
      goals: GOALS,
      goals_met: { master: master.rssMiB <= GOALS.master_mib, minion: minion.rssMiB <= GOALS.minion_mib },
      machine: machine(),
    });
  } finally {
    await cluster.stop();
  }
}

await main();
