/**
 * A pool of request worker threads (`worker_threads` option, default 5). Requests go to the
 * least busy worker; a worker that dies is replaced and its pending requests fail. The pool also
 * runs the job-cache writer thread (job_cache_writer.ts), to which each worker gets a channel.
 */
import { MessageChannel, Worker } from 'node:worker_threads';
import type { Logger } from '../../log/logger.js';
import type { FromWorker, ToWorker, WorkerInit, WorkerResult } from './messages.js';

interface Pending {
  resolve(v: unknown): void;
  reject(e: Error): void;
}

interface Slot {
  worker: Worker;
  busy: number;
  pending: Map<number, Pending>;
}

function toBuffer(u: Uint8Array): Buffer {
  return Buffer.isBuffer(u) ? u : Buffer.from(u.buffer, u.byteOffset, u.byteLength);
}

export class WorkerPool {
  private readonly slots: Slot[] = [];
  private seq = 0;
  private closing = false;

  constructor(
    private readonly size: number,
    private init: Omit<WorkerInit, 'writerPort'>,
    private readonly log: Logger,
  ) {}

  private writer!: Worker;

  async start(): Promise<void> {
    await this.startWriter();
    await Promise.all(Array.from({ length: this.size }, (_, i) => this.spawn(i)));
  }

  private startWriter(): Promise<void> {
    this.writer = new Worker(new URL('./job_cache_writer.js', import.meta.url), { workerData: { opts: this.init.opts } });
    return new Promise((resolve, reject) => {
      this.writer.on('message', (msg: FromWorker) => {
        if (msg.type === 'ready') resolve();
        else if (msg.type === 'log') this.log[msg.level](msg.msg);
      });
      this.writer.on('error', (err) => {
        this.log.error(`The job-cache writer failed: ${err.stack ?? err.message}`);
        reject(err);
      });
      // Workers notice (their channel closes) and write returns themselves from then on.
      this.writer.on('exit', (code) => {
        if (!this.closing) this.log.error(`The job-cache writer exited with code ${code}; request workers now write returns themselves`);
      });
    });
  }

  private spawn(index: number): Promise<void> {
    const { port1, port2 } = new MessageChannel();
    this.writer.postMessage({ type: 'port', port: port2 }, [port2]);
    const worker = new Worker(new URL('./worker.js', import.meta.url), { workerData: { ...this.init, writerPort: port1 }, transferList: [port1] });
    const slot: Slot = { worker, busy: 0, pending: new Map() };
    this.slots[index] = slot;
    return new Promise((resolve, reject) => {
      worker.on('message', (msg: FromWorker) => {
        switch (msg.type) {
          case 'ready':
            resolve();
            return;
          case 'log':
            this.log[msg.level](msg.msg);
            return;
          case 'result': {
            const p = slot.pending.get(msg.seq);
            if (!p) return;
            slot.pending.delete(msg.seq);
            slot.busy--;
            const r = msg.result;
            if (r.reply) r.reply = toBuffer(r.reply);
            p.resolve(r);
            return;
          }
          case 'drained': {
            const p = slot.pending.get(msg.seq);
            slot.pending.delete(msg.seq);
            p?.resolve(undefined);
            return;
          }
          case 'wrapped':
          case 'failed': {
            const p = slot.pending.get(msg.seq);
            if (!p) return;
            slot.pending.delete(msg.seq);
            slot.busy--;
            if (msg.type === 'wrapped') p.resolve(toBuffer(msg.frame));
            else p.reject(new Error(msg.error));
            return;
          }
        }
      });
      worker.on('error', (err) => {
        this.log.error(`Request worker ${index} failed: ${err.stack ?? err.message}`);
        reject(err);
      });
      worker.on('exit', (code) => {
        for (const p of slot.pending.values()) p.reject(new Error(`request worker ${index} exited`));
        slot.pending.clear();
        if (!this.closing) {
          this.log.error(`Request worker ${index} exited with code ${code}; starting a new one`);
          this.spawn(index).catch((err: Error) => this.log.error(`Could not restart worker ${index}: ${err.message}`));
        }
      });
    });
  }

  private pick(): Slot {
    let best = this.slots[0];
    for (const s of this.slots) if (s.busy < best.busy) best = s;
    return best;
  }

  private call<T>(slot: Slot, msg: ToWorker & { seq: number }): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      slot.pending.set(msg.seq, { resolve: resolve as (v: unknown) => void, reject });
      slot.busy++;
      slot.worker.postMessage(msg);
    });
  }

  /** Has a worker serve one request body. */
  request(body: Buffer): Promise<WorkerResult> {
    return this.call(this.pick(), { type: 'request', seq: ++this.seq, body });
  }

  /** Has a worker encrypt and sign a publish load into its 4505 frame. */
  wrapPublish(load: Record<string, unknown>): Promise<Buffer> {
    return this.call(this.pick(), { type: 'wrapPublish', seq: ++this.seq, load });
  }

  /** Tells every worker (and future replacements) about shared state. */
  broadcast(msg: ToWorker): void {
    if (msg.type === 'aes') this.init = { ...this.init, aesKey: msg.key };
    if (msg.type === 'session') this.init.sessions[msg.id] = msg.key;
    for (const s of this.slots) s.worker.postMessage(msg);
  }

  /** Requests waiting in all workers. */
  get inFlight(): number {
    return this.slots.reduce((n, s) => n + s.busy, 0);
  }

  /** Stops the workers once the returns they handed to the writer are written (waiting at most `drainMs`). */
  async close(drainMs = 30_000): Promise<void> {
    this.closing = true;
    const drained = Promise.all(
      this.slots.map(
        (s) =>
          new Promise<void>((resolve) => {
            const seq = ++this.seq;
            s.pending.set(seq, { resolve: () => resolve(), reject: () => resolve() });
            s.worker.postMessage({ type: 'drain', seq });
          }),
      ),
    );
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<'late'>((resolve) => (timer = setTimeout(() => resolve('late'), drainMs)));
    if ((await Promise.race([drained, late])) === 'late') this.log.warn(`Request workers did not finish their job-cache writes within ${drainMs} ms`);
    clearTimeout(timer);
    await Promise.all(this.slots.map((s) => s.worker.terminate()));
    await this.writer.terminate();
  }
}
