/**
 * What one subscriber connection costs the master's publish socket in resident memory: a
 * `PubServer` (the master's own class and options) with N plain ZeroMQ subscribers connected
 * from a child process, measured idle and after K publishes of a ~700-byte frame (the size of
 * an encrypted `test.ping` publish). The subscribers read every message, paced so that none
 * falls behind: the growth is libzmq's per-connection state, not queued messages.
 *
 *   node dist/bench/swarm/pub_memory.js [--subscribers 1000] [--publishes 1000]
 *
 * Prints one JSON line: master RSS (MiB) before the subscribers connect, then KiB per
 * connection idle and after each checkpoint of publishes.
 */
import { fork } from 'node:child_process';
import * as zmq from 'zeromq';
import { PubServer } from '../../src/transport/zeromq.js';
import { intArg, machine, procMemory, report, sleep } from '../_support.js';

const FRAME_BYTES = 700;
const PACE_MS = 4;

async function subscribers(n: number, port: number): Promise<void> {
  zmq.context.maxSockets = n + 64;
  for (let i = 0; i < n; i++) {
    const sub = new zmq.Subscriber();
    sub.subscribe();
    sub.connect(`tcp://127.0.0.1:${port}`);
    void (async () => {
      for await (const _ of sub) {
        // read and drop: a subscriber that keeps up
      }
    })();
  }
  process.send!('connected');
  setInterval(() => undefined, 1000);
}

async function main(): Promise<void> {
  const n = intArg('subscribers', 1000);
  const publishes = intArg('publishes', 1000);
  const pub = new PubServer({ hwm: 1000 });
  await pub.bind('127.0.0.1', 0);
  const port = Number(pub.endpoint.split(':').pop());
  const rss = (): number => procMemory(process.pid).rssMiB;
  await sleep(500);
  const before = rss();
  const child = fork(new URL(import.meta.url).pathname, ['--child', String(n), String(port)], { stdio: 'inherit' });
  try {
    await new Promise((resolve) => child.once('message', resolve));
    await sleep(2000 + n);
    const perConnection = (): number => Math.round(((rss() - before) * 1024 * 10) / n) / 10;
    const checkpoints: Record<string, number> = { '0': perConnection() };
    const marks = new Set([1, 100, 300, 600, 1000, 1500, 2000, publishes]);
    const frame = Buffer.alloc(FRAME_BYTES, 0x61);
    for (let k = 1; k <= publishes; k++) {
      await pub.publish(frame);
      await sleep(PACE_MS);
      if (marks.has(k)) {
        await sleep(1000);
        checkpoints[String(k)] = perConnection();
      }
    }
    report({
      subscribers: n,
      frame_bytes: FRAME_BYTES,
      master_rss_before_mib: Math.round(before * 10) / 10,
      kib_per_connection_after_publishes: checkpoints,
      hwm_drops: pub.hwmDrops,
      machine: machine(),
    });
  } finally {
    child.kill('SIGKILL');
    pub.close();
  }
}

if (process.argv[2] === '--child') await subscribers(Number(process.argv[3]), Number(process.argv[4]));
else await main();
