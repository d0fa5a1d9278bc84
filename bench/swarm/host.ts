/**
 * One swarm host process: runs many real `Minion` instances (src/daemons/minion/minion.ts) side
 * by side. Each has its own id, RSA key (in its own pki_dir), AES and session keys and ZeroMQ
 * sockets, and does the full crypto and protocol work of a salt-minion; only the grains are a
 * small fixed map instead of being collected thousands of times.
 *
 * Driven by the swarm orchestrator over the Node IPC channel (`child_process.fork`); see
 * {@link HostCommand} / {@link HostReply}.
 */
import * as zmq from 'zeromq';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Minion, type MinionStats } from '../../src/daemons/minion/minion.js';
import type { Logger } from '../../src/log/logger.js';

/** Orchestrator → host. */
export type HostCommand =
  /** Start these minions, at most `concurrency` signing in at once (0: all at once). */
  | { type: 'start'; ids: string[]; concurrency: number }
  | { type: 'stats' }
  | { type: 'stop' };

/** What a host counted over all its minions. */
export interface HostStats {
  minions: number;
  jobsRun: number;
  returnsSent: number;
  returnsFailed: number;
  publishDrops: Record<string, number>;
  warnings: number;
  errors: number;
  /** The first few error messages, with the minion id. */
  firstErrors: string[];
  rssMiB: number;
  cpuS: number;
}

/** Host → orchestrator. */
export type HostReply =
  | { type: 'ready' }
  | { type: 'started'; started: number; failed: number; ms: number; firstErrors: string[] }
  | { type: 'stats'; stats: HostStats }
  | { type: 'stopped' };

/** Everything the host needs, as JSON in argv[2]. */
export interface HostConfig {
  /** Swarm root: minion n keeps its pki under `<root>/minions/<id>/pki`. */
  root: string;
  /** Minion options shared by all (Salt names): master, master_port, timeouts ... */
  base: Record<string, unknown>;
  /** The fixed grains every minion reports (its `id` is added). */
  grains: Record<string, unknown>;
}

const FIXED_ERRORS = 10;

if (!process.send) throw new Error('bench/swarm/host.js must be started by the swarm orchestrator (child_process.fork)');
const send = (msg: HostReply): void => {
  process.send!(msg);
};

// libzmq's default of 1023 sockets per context is far below a few thousand minions.
zmq.context.maxSockets = zmq.context.maxSocketsLimit;

const config = JSON.parse(process.argv[2] ?? '{}') as HostConfig;
const minions = new Map<string, Minion>();
const counts = { warnings: 0, errors: 0 };
const firstErrors: string[] = [];

function minionLogger(id: string): Logger {
  const error = (msg: string): void => {
    counts.errors++;
    if (firstErrors.length < FIXED_ERRORS) firstErrors.push(`${id}: ${msg}`);
  };
  const log: Logger = {
    trace() {},
    debug() {},
    info() {},
    warn: (msg: string) => {
      counts.warnings++;
      if (firstErrors.length < FIXED_ERRORS && /did not answer|refused|could not/i.test(msg)) firstErrors.push(`${id} (warning): ${msg}`);
    },
    error,
    critical: error,
    child: () => log,
  };
  return log;
}

async function startAll(ids: string[], concurrency: number): Promise<void> {
  const t0 = performance.now();
  let next = 0;
  let started = 0;
  let failed = 0;
  const errorsBefore = firstErrors.length;
  const one = async (): Promise<void> => {
    while (next < ids.length) {
      const id = ids[next++]!;
      const opts = { ...config.base, id, pki_dir: join(config.root, 'minions', id, 'pki'), cachedir: join(config.root, 'minions', id, 'cache') };
      const minion = new Minion(opts, minionLogger(id), { grains: config.grains });
      minions.set(id, minion);
      try {
        await minion.start();
        started++;
      } catch (err) {
        failed++;
        if (firstErrors.length < FIXED_ERRORS) firstErrors.push(`${id}: start failed: ${(err as Error).message}`);
      }
    }
  };
  const lanes = concurrency > 0 ? Math.min(concurrency, ids.length) : ids.length;
  await Promise.all(Array.from({ length: lanes }, one));
  send({ type: 'started', started, failed, ms: performance.now() - t0, firstErrors: firstErrors.slice(errorsBefore) });
}

function cpuSeconds(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
}

function stats(): HostStats {
  const total: HostStats = {
    minions: minions.size,
    jobsRun: 0,
    returnsSent: 0,
    returnsFailed: 0,
    publishDrops: {},
    warnings: counts.warnings,
    errors: counts.errors,
    firstErrors: [...firstErrors],
    rssMiB: Math.round(process.memoryUsage.rss() / 2 ** 20),
    cpuS: cpuSeconds(),
  };
  for (const m of minions.values()) {
    const s: MinionStats = m.stats();
    total.jobsRun += s.jobsRun;
    total.returnsSent += s.returnsSent;
    total.returnsFailed += s.returnsFailed;
    for (const [k, v] of Object.entries(s.publishDrops)) total.publishDrops[k] = (total.publishDrops[k] ?? 0) + v;
  }
  return total;
}

process.on('message', (msg: HostCommand) => {
  switch (msg.type) {
    case 'start':
      void startAll(msg.ids, msg.concurrency);
      break;
    case 'stats':
      send({ type: 'stats', stats: stats() });
      break;
    case 'stop':
      void Promise.all([...minions.values()].map((m) => m.stop())).finally(() => {
        send({ type: 'stopped' });
        setTimeout(() => process.exit(0), 50);
      });
      break;
  }
});
// The orchestrator died: do not linger.
process.on('disconnect', () => process.exit(0));

// Fail early on an unreadable root rather than per minion.
readFileSync(join(config.root, 'minions', '.swarm'));
send({ type: 'ready' });
