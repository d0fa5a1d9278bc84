/**
 * A request worker's side of the job-cache writer thread (job_cache_writer.ts): returns are
 * handed over packed, after their event and reply, and written there at low CPU priority.
 *
 * Bounded: with `maxInFlight` returns unwritten, the worker writes the next one itself
 * (`fallback`) before the reply, at its own priority — waiting for a writer that a busy machine
 * keeps behind would hold replies hostage to the lowest-priority thread. Returns are also
 * written by the worker once the writer thread is gone.
 */
import type { MessagePort } from 'node:worker_threads';
import { encodeWire } from '../../protocol/payload.js';

type Load = Record<string, unknown>;

/** The writer thread's nice value (normal threads: 0); see job_cache_writer.ts. */
export const WRITER_NICE = 10;

/** worker → writer: one return, packed with the wire codec (Python types survive the trip). */
export interface StoreMessage {
  body: Uint8Array;
}

/** writer → worker: that many of this worker's returns were written (or failed and were logged). */
export interface StoredMessage {
  stored: number;
}

/**
 * Unwritten returns one worker may leave with the writer: several 10,000-minion rounds' worth.
 * Reaching it is costly — the worker's own writes then contend with the lower-priority writer
 * for the same job directories (with 5,000, back-to-back 10,000-minion rounds took 7.8-8.5 s
 * instead of 4.9-6.2 s) — so it is a safety bound, not a working point.
 */
export const MAX_UNWRITTEN = 20_000;

export class JobCacheWriterClient {
  private inFlight = 0;
  private writerGone = false;
  private readonly idle: Array<() => void> = [];

  constructor(
    private readonly port: MessagePort,
    private readonly fallback: (load: Load) => Promise<unknown>,
    private readonly maxInFlight = MAX_UNWRITTEN,
  ) {
    port.on('message', (msg: StoredMessage) => this.acknowledged(msg.stored));
    port.on('close', () => {
      this.writerGone = true;
      this.acknowledged(this.inFlight);
    });
  }

  /** Returns handed to the writer and not written yet. */
  get pending(): number {
    return this.inFlight;
  }

  /** Hands one return to the writer, or writes it now when `maxInFlight` are unwritten. */
  async add(load: Load): Promise<void> {
    if (this.writerGone || this.inFlight >= this.maxInFlight) {
      await this.fallback(load);
      return;
    }
    const packed = encodeWire(load);
    // A pooled Buffer shares its memory with others: copy into an ArrayBuffer of its own to transfer.
    const body = new Uint8Array(packed.length);
    body.set(packed);
    this.inFlight++;
    this.port.postMessage({ body } satisfies StoreMessage, [body.buffer]);
  }

  /** Resolves once every return handed over so far is written. */
  flush(): Promise<void> {
    if (this.inFlight === 0) return Promise.resolve();
    return new Promise((resolve) => this.idle.push(resolve));
  }

  private acknowledged(n: number): void {
    this.inFlight = Math.max(0, this.inFlight - n);
    if (this.inFlight === 0) for (const resolve of this.idle.splice(0)) resolve();
  }
}
