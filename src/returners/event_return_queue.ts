/**
 * Salt's `EventReturn`: master events handed to the `event_return` returners in batches.
 * The master feeds every bus event to {@link EventReturnQueue.push}; events that pass
 * `event_return_whitelist` / `event_return_blacklist` (fnmatch on the tag) are queued, and the
 * queue is flushed to each returner's `event_return(events)` once it holds `event_return_queue`
 * events (default 0: every event at once), or once its oldest event is
 * `event_return_queue_max_seconds` old (0: no age limit), and on close. Unlike Salt, the age
 * limit is also checked by a timer, so a quiet bus does not hold events back.
 */
import type { Logger } from '../log/logger.js';
import { fnmatch } from '../targeting/fnmatch.js';
import { ReturnerSet } from './registry.js';
import type { Dict, SaltEvent } from './types.js';

/** Options of {@link EventReturnQueue}. */
export interface EventReturnQueueOptions {
  log?: Logger;
  /** A returner set to share (default: a new one, closed by {@link EventReturnQueue.close}). */
  returners?: ReturnerSet;
}

/** The `event_return` option as a list of returner names (a list, or a comma-separated text). */
export function eventReturnNames(value: unknown): string[] {
  const list = Array.isArray(value) ? value.map(String) : typeof value === 'string' ? value.split(',') : [];
  return list.map((s) => s.trim()).filter((s) => s !== '');
}

function patterns(v: unknown): string[] {
  if (Array.isArray(v)) return v.map(String);
  return typeof v === 'string' && v !== '' ? [v] : [];
}

/** The master's event returner queue. */
export class EventReturnQueue {
  /** The configured event returners; empty means the queue is off. */
  readonly names: string[];
  private readonly size: number;
  private readonly maxSeconds: number;
  private readonly whitelist: string[];
  private readonly blacklist: string[];
  private readonly returners: ReturnerSet;
  private readonly ownReturners: boolean;
  private readonly log: Logger | undefined;
  private queue: SaltEvent[] = [];
  private oldest: number | undefined;
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> = Promise.resolve();
  private closed = false;

  /** @param opts the master options (`event_return`, `event_return_queue`, ...). */
  constructor(opts: Dict, options: EventReturnQueueOptions = {}) {
    this.names = eventReturnNames(opts.event_return);
    this.size = Math.max(0, Number(opts.event_return_queue ?? 0) || 0);
    this.maxSeconds = Math.max(0, Number(opts.event_return_queue_max_seconds ?? 0) || 0);
    this.whitelist = patterns(opts.event_return_whitelist);
    this.blacklist = patterns(opts.event_return_blacklist);
    this.ownReturners = options.returners === undefined;
    this.returners = options.returners ?? new ReturnerSet({ opts, log: options.log });
    this.log = options.log;
  }

  /** Whether any event returner is configured. */
  get enabled(): boolean {
    return this.names.length > 0;
  }

  /** How many events wait for the next flush. */
  get pending(): number {
    return this.queue.length;
  }

  /** Salt's `_filter`: whitelisted (when a whitelist is set) and not blacklisted. */
  accepts(tag: string): boolean {
    let ok = this.whitelist.length === 0 || this.whitelist.some((p) => fnmatch(tag, p));
    if (this.blacklist.some((p) => fnmatch(tag, p))) ok = false;
    return ok;
  }

  /**
   * Queues one bus event (when it passes the filters) and starts a flush when the queue is full
   * or too old. Never throws; returns the flush it started, if any.
   */
  push(tag: string, data: unknown): Promise<void> | undefined {
    if (!this.enabled || this.closed) return undefined;
    if (this.accepts(tag)) {
      this.queue.push({ data, tag } as SaltEvent);
      this.oldest ??= Date.now();
      if (this.maxSeconds > 0 && !this.timer) {
        this.timer = setTimeout(() => {
          this.timer = undefined;
          void this.flush();
        }, this.maxSeconds * 1000);
        this.timer.unref();
      }
    }
    const tooOld = this.maxSeconds > 0 && this.oldest !== undefined && Date.now() - this.oldest >= this.maxSeconds * 1000;
    if (this.queue.length > 0 && (this.queue.length >= this.size || tooOld)) return this.flush();
    return undefined;
  }

  /**
   * Hands the queued events to every event returner (one batch each, in order); a returner that
   * fails or lacks `event_return` is logged and skipped. Flushes never overlap.
   */
  flush(): Promise<void> {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    const batch = this.queue;
    this.queue = [];
    this.oldest = undefined;
    if (batch.length === 0) return this.flushing;
    this.flushing = this.flushing.then(() => this.deliver(batch));
    return this.flushing;
  }

  private async deliver(batch: SaltEvent[]): Promise<void> {
    for (const name of this.names) {
      if (!this.returners.has(name, 'event_return')) {
        this.log?.error(`Could not store return for event(s) - returner '${name}.event_return' not found.`);
        continue;
      }
      try {
        await this.returners.fn(name, 'event_return')(batch);
      } catch (err) {
        this.log?.error(`Could not store events - returner '${name}.event_return' raised exception: ${(err as Error).message}`);
      }
    }
  }

  /** Flushes what is queued, stops accepting events and closes its own returners. */
  async close(): Promise<void> {
    await this.flush();
    this.closed = true;
    if (this.ownReturners) await this.returners.close();
  }
}
