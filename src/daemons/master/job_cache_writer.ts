/**
 * Entry point of the master's job-cache writer thread. Request workers hand it minion returns
 * (after the return's event and reply: see job_cache_writer_client.ts); it stores them with the
 * configured job cache and returners, one at a time, with blocking file calls.
 *
 * It runs at a lower CPU priority (nice 10, this thread only): a burst of thousands of returns
 * costs seconds of disk-bound CPU (a directory and a file per return in Salt's layout), and that
 * work must not slow what is waiting on it — the next CLI command starting, the next publish,
 * the returns still arriving. Not the lowest: on a machine that stays busy the writer must still
 * make progress (nice 10 weighs a tenth of a normal thread; nice 19 a seventieth).
 */
import { readlinkSync } from 'node:fs';
import { setPriority } from 'node:os';
import { parentPort, workerData, type MessagePort } from 'node:worker_threads';
import { decodeWire } from '../../protocol/payload.js';
import type { FromWorker } from './messages.js';
import { WRITER_NICE, type StoreMessage, type StoredMessage } from './job_cache_writer_client.js';
import { openJobStore, threadLogger } from './thread_support.js';

/** Returns written between two looks at new messages (acks go out at the same time). */
const BATCH = 64;

if (!parentPort) throw new Error('job_cache_writer.ts must run as a worker thread');
const parent = parentPort;
const opts = (workerData as { opts: Record<string, unknown> }).opts;

const post = (msg: FromWorker): void => parent.postMessage(msg);
const log = threadLogger(post);

try {
  // Linux nice values are per thread: /proc/thread-self names this thread's id.
  const tid = Number(readlinkSync('/proc/thread-self').split('/').pop());
  setPriority(tid, WRITER_NICE);
} catch (err) {
  log.debug(`The job-cache writer keeps its CPU priority: ${(err as Error).message}`);
}

const { store } = openJobStore(opts, log);

const queue: Array<{ from: MessagePort; body: Uint8Array } | undefined> = [];
let head = 0;
let running = false;

function attach(port: MessagePort): void {
  port.on('message', (msg: StoreMessage) => {
    queue.push({ from: port, body: msg.body });
    if (!running) void drain();
  });
}

async function drain(): Promise<void> {
  running = true;
  while (head < queue.length) {
    const written = new Map<MessagePort, number>();
    for (let n = 0; n < BATCH && head < queue.length; n++) {
      const { from, body } = queue[head]!;
      queue[head++] = undefined;
      let load: Record<string, unknown> = {};
      try {
        load = decodeWire(Buffer.from(body.buffer, body.byteOffset, body.byteLength)) as Record<string, unknown>;
        await store.storeReturn(load);
      } catch (err) {
        log.error(`Could not store the return of ${String(load.id)} for ${String(load.jid)}: ${(err as Error).message}`);
      }
      written.set(from, (written.get(from) ?? 0) + 1);
    }
    for (const [port, stored] of written) port.postMessage({ stored } satisfies StoredMessage);
    if (head > 1024 && head * 2 > queue.length) {
      queue.splice(0, head);
      head = 0;
    }
    // Let new returns and ports arrive between batches.
    await new Promise((resolve) => setImmediate(resolve));
  }
  running = false;
}

parent.on('message', (msg: { type: 'port'; port: MessagePort }) => {
  if (msg.type === 'port') attach(msg.port);
});

post({ type: 'ready' });
