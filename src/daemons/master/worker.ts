/**
 * Entry point of one master request worker thread (`worker_threads`, Salt's MWorker).
 * It owns a RequestHandler and answers the main thread's messages in order of arrival.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { KeyStore } from '../../pki/keystore.js';
import type { FromWorker, MasterAction, ToWorker, WorkerInit } from './messages.js';
import { PyFloat } from '../../protocol/pytypes.js';
import { RequestHandler } from './request_handler.js';
import { JobCacheWriterClient } from './job_cache_writer_client.js';
import { openJobStore, threadLogger } from './thread_support.js';
import { DEFAULT_MAX_EVENT_SIZE, packStampedEvent } from '../../events/trim.js';

if (!parentPort) throw new Error('worker.ts must run as a worker thread');
const port = parentPort;
const init = workerData as WorkerInit;

function post(msg: FromWorker, transfer: ArrayBuffer[] = []): void {
  port.postMessage(msg, transfer);
}

const log = threadLogger(post);

const opts = init.opts;
const keys = new KeyStore({ pkiDir: String(opts.pki_dir), cachedir: String(opts.cachedir), hashType: String(opts.hash_type ?? 'sha256') });
const { jobs, store } = openJobStore(opts, log);
// Returns are written by the job-cache writer thread, at low priority, after their reply.
const returnWriter = new JobCacheWriterClient(init.writerPort, (load) =>
  store.storeReturn(load).catch((err: Error) => log.error(`Could not store the return of ${String(load.id)} for ${String(load.jid)}: ${err.message}`)),
);
const handler = new RequestHandler(init, { keys, jobs, store, log, returnWriter });

/**
 * Actions cross the thread boundary by structured clone, which drops classes: a PyFloat would
 * arrive as `{value}`. Event data is turned into plain numbers first (what the bus writes anyway).
 */
function plain(v: unknown): unknown {
  if (v instanceof PyFloat) return v.value;
  if (Array.isArray(v)) return v.map(plain);
  if (v instanceof Map) return new Map([...v].map(([k, x]) => [k, plain(x)]));
  if (v && typeof v === 'object' && !Buffer.isBuffer(v) && !(v instanceof Uint8Array)) {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) out[k] = plain(x);
    return out;
  }
  return v;
}

const maxEventSize = Number(opts.max_event_size ?? DEFAULT_MAX_EVENT_SIZE);

/**
 * Events are packed here, off the main thread: the main thread only copies the bytes to the bus
 * subscribers (a return event would otherwise be cloned, then stamped and packed there).
 */
function cloneableAction(a: MasterAction, transfer: ArrayBuffer[]): MasterAction {
  if (a.type === 'fire') {
    const body = packStampedEvent(a.tag, a.data, maxEventSize);
    // A pooled Buffer shares its ArrayBuffer with others: copy it into one of its own to transfer.
    const own = new Uint8Array(body.length);
    own.set(body);
    transfer.push(own.buffer);
    return { type: 'firePacked', body: own };
  }
  if (a.type === 'minionData') return { ...a, grains: plain(a.grains) as Record<string, unknown>, pillar: plain(a.pillar) as Record<string, unknown> };
  return a;
}

function toBuffer(u: Uint8Array): Buffer {
  return Buffer.isBuffer(u) ? u : Buffer.from(u.buffer, u.byteOffset, u.byteLength);
}

port.on('message', (msg: ToWorker) => {
  switch (msg.type) {
    case 'request':
      handler.handle(toBuffer(msg.body)).then(
        (result) => {
          const transfer: ArrayBuffer[] = [];
          const actions = result.actions.map((a) => cloneableAction(a, transfer));
          post({ type: 'result', seq: msg.seq, result: { ...result, actions } }, transfer);
        },
        (err: Error) => post({ type: 'failed', seq: msg.seq, error: err.message }),
      );
      break;
    case 'wrapPublish':
      try {
        post({ type: 'wrapped', seq: msg.seq, frame: handler.wrapPublish(msg.load) });
      } catch (err) {
        post({ type: 'failed', seq: msg.seq, error: (err as Error).message });
      }
      break;
    case 'aes':
      handler.setAesKey(msg.key);
      break;
    case 'session':
      handler.setSession(msg.id, msg.key);
      break;
    case 'keysChanged':
      handler.keysChanged();
      break;
    case 'drain':
      returnWriter.flush().then(() => post({ type: 'drained', seq: msg.seq }));
      break;
  }
});

post({ type: 'ready' });
