/**
 * Job-cache writes of minion returns, done behind the return's event and reply.
 *
 * Salt fires a return's event before its returner writes the job cache; here the write also
 * waits until returns stop arriving for `quietMs` (or `highWater` of them wait), so a burst of
 * thousands of returns is decrypted, announced and acknowledged first and written to disk right
 * after. A minion whose reply would otherwise wait behind thousands of file creations resends
 * its return, which only makes the burst larger; and each return's directory and file cost
 * ~0.5 ms of kernel time on some disks, taken from the CPU the rest of the burst needs. The
 * queue is bounded: past `maxPending` a return is written before it is acknowledged
 * (back-pressure), and {@link flush} empties it before the worker stops.
 */

type Load = Record<string, unknown>;

export interface DeferredReturnsOptions {
  /** Stores one return (the job cache and any configured returners). Errors are logged. */
  store: (load: Load) => Promise<unknown>;
  /** Called with the error of a store that failed. */
  onError: (load: Load, err: Error) => void;
  /** Returns waiting before a new one is written at once instead of queued. Default 20,000. */
  maxPending?: number;
  /** Writes done per turn of the event loop before new requests get their turn. Default 16. */
  batch?: number;
  /** Start writing once no return was added for this long (ms). Default 20. */
  quietMs?: number;
  /** ... or once this many wait, even while returns keep coming. Default 2,000. */
  highWater?: number;
}

export class DeferredReturns {
  private readonly queue: Load[] = [];
  private head = 0;
  private scheduled = false;
  private running: Promise<void> | null = null;
  private readonly maxPending: number;
  private readonly batch: number;
  private readonly quietMs: number;
  private readonly highWater: number;
  private lastAdd = 0;

  constructor(private readonly opts: DeferredReturnsOptions) {
    this.maxPending = opts.maxPending ?? 20_000;
    this.batch = Math.max(1, opts.batch ?? 16);
    this.quietMs = opts.quietMs ?? 20;
    this.highWater = opts.highWater ?? 2_000;
  }

  /** Returns waiting to be written. */
  get pending(): number {
    return this.queue.length - this.head;
  }

  /**
   * Queues a return for writing. Resolves at once, or once the return is written when the
   * queue is full (the caller's reply then waits: back-pressure instead of an unbounded queue).
   */
  async add(load: Load): Promise<void> {
    if (this.pending >= this.maxPending) {
      await this.storeOne(load);
      return;
    }
    this.queue.push(load);
    this.lastAdd = performance.now();
    this.schedule();
  }

  /** Writes everything queued; resolves when the queue is empty. */
  async flush(): Promise<void> {
    while (this.pending > 0 || this.running) {
      if (this.running) await this.running;
      else await this.runBatch(Number.MAX_SAFE_INTEGER);
    }
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    // setImmediate runs after the loop has taken in pending messages: requests go first.
    setImmediate(() => this.maybeRun());
  }

  private maybeRun(): void {
    const quietFor = performance.now() - this.lastAdd;
    if (quietFor < this.quietMs && this.pending < this.highWater) {
      setTimeout(() => this.maybeRun(), Math.max(1, this.quietMs - quietFor));
      return;
    }
    this.scheduled = false;
    if (this.running) {
      void this.running.then(() => this.pending > 0 && this.schedule());
      return;
    }
    void this.runBatch(this.batch).then(() => {
      if (this.pending > 0) this.schedule();
    });
  }

  private runBatch(limit: number): Promise<void> {
    const run = (async () => {
      for (let n = 0; n < limit && this.pending > 0; n++) {
        const load = this.queue[this.head]!;
        this.queue[this.head++] = undefined as never;
        await this.storeOne(load);
      }
      if (this.head > 1024 && this.head * 2 > this.queue.length) {
        this.queue.splice(0, this.head);
        this.head = 0;
      }
    })();
    this.running = run;
    return run.finally(() => {
      if (this.running === run) this.running = null;
    });
  }

  private async storeOne(load: Load): Promise<void> {
    try {
      await this.opts.store(load);
    } catch (err) {
      this.opts.onError(load, err as Error);
    }
  }
}
