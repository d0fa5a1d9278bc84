/**
 * A bounded pool of asynchronous tasks (Salt's `ThreadPool(reactor_worker_threads,
 * queue_size=reactor_worker_hwm)`): at most `concurrency` tasks run at once, at most `hwm` wait;
 * a task submitted beyond that is dropped and counted, so an event storm cannot grow memory.
 */
import { nullLogger, type Logger } from '../log/logger.js';

export interface WorkPoolOptions {
  /** Tasks running at once; default 10 (`reactor_worker_threads`). */
  concurrency?: number;
  /** Tasks waiting at most; default 10000 (`reactor_worker_hwm`). */
  hwm?: number;
  log?: Logger;
  /** Names the pool in log lines; default `reactor`. */
  name?: string;
}

/** Counters since the pool was made. */
export interface WorkPoolStats {
  running: number;
  queued: number;
  completed: number;
  failed: number;
  dropped: number;
}

type Task = () => Promise<unknown>;

export class WorkPool {
  readonly concurrency: number;
  readonly hwm: number;
  private readonly log: Logger;
  private readonly name: string;
  private readonly queue: Task[] = [];
  private running = 0;
  private completed = 0;
  private failed = 0;
  private dropped = 0;
  private idleWaiters: Array<() => void> = [];
  private closed = false;

  /** @throws RangeError when concurrency is below 1 or hwm below 0. */
  constructor(options: WorkPoolOptions = {}) {
    this.concurrency = Math.floor(options.concurrency ?? 10);
    this.hwm = Math.floor(options.hwm ?? 10000);
    if (!(this.concurrency >= 1)) throw new RangeError(`The worker pool needs at least 1 worker: got ${options.concurrency}`);
    if (!(this.hwm >= 0)) throw new RangeError(`The worker pool queue size must be 0 or more: got ${options.hwm}`);
    this.log = options.log ?? nullLogger;
    this.name = options.name ?? 'reactor';
  }

  get stats(): WorkPoolStats {
    return { running: this.running, queued: this.queue.length, completed: this.completed, failed: this.failed, dropped: this.dropped };
  }

  /**
   * Runs `task` now when a worker is free, else queues it. Returns false (and counts a drop)
   * when the queue already holds `hwm` tasks or the pool is closed. A task that throws is logged.
   */
  submit(task: Task): boolean {
    if (this.closed) return false;
    if (this.running < this.concurrency) {
      this.start(task);
      return true;
    }
    if (this.queue.length >= this.hwm) {
      this.dropped++;
      if (this.dropped === 1 || this.dropped % 1000 === 0) {
        this.log.error(
          `The ${this.name} queue is full (${this.hwm} waiting): ${this.dropped} task(s) dropped so far. Consider tuning reactor_worker_threads and/or reactor_worker_hwm`,
        );
      }
      return false;
    }
    this.queue.push(task);
    return true;
  }

  /** Resolves once nothing runs and nothing waits. */
  idle(): Promise<void> {
    if (this.running === 0 && this.queue.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Refuses new tasks, forgets waiting ones and resolves when the running ones are done. */
  async close(): Promise<void> {
    this.closed = true;
    this.queue.length = 0;
    await this.idle();
  }

  private start(task: Task): void {
    this.running++;
    let p: Promise<unknown>;
    try {
      p = Promise.resolve(task());
    } catch (err) {
      p = Promise.reject(err);
    }
    p.then(
      () => void this.completed++,
      (err: unknown) => {
        this.failed++;
        this.log.error(`A ${this.name} task failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
      },
    ).finally(() => {
      this.running--;
      const next = this.queue.shift();
      if (next) this.start(next);
      else if (this.running === 0) {
        const waiters = this.idleWaiters;
        this.idleWaiters = [];
        for (const w of waiters) w();
      }
    });
  }
}
