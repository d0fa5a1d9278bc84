/**
 * A client of Salt's local event bus (salt-wire 9.2), usable against a salt-ts master or a real
 * Salt master on the same host: subscribe to the pub socket and wait for events, or fire events
 * into the pull socket. Imports only Node built-ins and small helpers; the msgpack codec (event
 * decoding, framing, trimming) is loaded on first use and in the background while connecting, so a
 * CLI can publish while it loads: events that arrive before it is ready wait in the socket.
 */
import { EventEmitter } from 'node:events';
import { createConnection, type Socket } from 'node:net';
import { busEndpoints, describeEndpoint, type BusEndpoint, type BusLocation } from './addresses.js';
import { EventBusConnectError, EventBusDisconnectedError } from './errors.js';
import type { EventData, SaltEvent } from './event.js';
import { tagMatcher, type MatchType } from './matcher.js';
import { silentLogger, type BusLogger } from './_logger.js';

/** The event codec modules (they pull in msgpack), loaded once on first need. */
interface Codec {
  event: typeof import('./event.js');
  framing: typeof import('./framing.js');
  trim: typeof import('./trim.js');
}

let codecLoading: Promise<Codec> | null = null;

function loadCodec(): Promise<Codec> {
  codecLoading ??= Promise.all([import('./event.js'), import('./framing.js'), import('./trim.js')]).then(([event, framing, trim]) => ({ event, framing, trim }));
  return codecLoading;
}

export interface EventClientOptions extends BusLocation {
  /** `max_event_size` for fired events; default 1 MiB. */
  maxEventSize?: number;
  /** Events kept for subscriptions and not yet taken; the oldest are dropped beyond it. Default 100000. */
  maxPending?: number;
  logger?: BusLogger;
}

export interface GetEventOptions {
  /** Tag pattern; default '' (any event). */
  tag?: string;
  /** Default `startswith`. */
  matchType?: MatchType;
  /** Milliseconds to wait (Node convention; Salt's `wait` is seconds). Default: wait forever. */
  timeout?: number;
  /** Stops waiting: the call resolves null (an iterator's `return()` ends its pending `next()`). */
  signal?: AbortSignal;
}

/** A return seen on the bus for a job (`salt/job/<jid>/ret/<id>`). */
export interface JobReturn {
  id: string;
  /** The full return load (`return`, `retcode`, `success`, `out`, `fun`, `jid`...). */
  data: EventData;
}

export interface JobReturnsOptions {
  /** Minions expected to return. Events carrying `minions` (e.g. `salt/job/<jid>/new`) add to it. */
  minions?: Iterable<string>;
  /** Milliseconds to wait for all expected minions; default 5000 (Salt's `timeout: 5`). */
  timeout?: number;
}

export interface JobReturnsResult {
  /** Returns by minion id, in arrival order. */
  returns: Map<string, EventData>;
  /** Expected minions that did not return before the timeout, sorted. */
  missing: string[];
}

interface Subscription {
  tag: string;
  matchType: MatchType;
  match: (tag: string) => boolean;
}

interface Waiter {
  match: (tag: string) => boolean;
  resolve: (ev: SaltEvent | null) => void;
  reject: (err: Error) => void;
  timer: NodeJS.Timeout | null;
  /** Removes the abort listener of a waiter given a signal. */
  unlisten?: () => void;
}

/**
 * Subscriber and firer on one event bus. Like Salt's `SaltEvent`: events matching a
 * {@link subscribe}d tag are kept until {@link getEvent} takes them; other events are only
 * passed to `on('event')` listeners. Emits `event` (every event) and `disconnect`.
 */
export class EventClient extends EventEmitter {
  private readonly pubEp: BusEndpoint;
  private readonly pullEp: BusEndpoint;
  private readonly log: BusLogger;
  private readonly maxEventSize: number | undefined;
  private readonly maxPending: number;
  private pubSocket: Socket | null = null;
  private pullSocket: Socket | null = null;
  private pullConnecting: Promise<Socket> | null = null;
  private readonly subscriptions: Subscription[] = [];
  private pending: SaltEvent[] = [];
  private readonly waiters = new Set<Waiter>();
  private droppedPending = 0;
  private closed = false;

  /** @throws EventBusListenError for a minion bus without id or a too-long socket path. */
  constructor(opts: EventClientOptions) {
    super();
    const eps = busEndpoints(opts);
    this.pubEp = eps.pub;
    this.pullEp = eps.pull;
    this.log = opts.logger ?? silentLogger;
    this.maxEventSize = opts.maxEventSize;
    this.maxPending = opts.maxPending ?? 100000;
  }

  /** True while the pub connection is open. */
  get connected(): boolean {
    return this.pubSocket !== null && !this.pubSocket.destroyed;
  }

  /**
   * Connects to the pub socket (idempotent). Subscribe before the action whose events you want,
   * so none are missed.
   * @param timeout milliseconds; default 5000.
   * @throws EventBusConnectError when the bus is not there (no socket, refused, timeout).
   */
  async connectPub(timeout = 5000): Promise<void> {
    if (this.connected) return;
    const codec = loadCodec();
    codec.catch(() => undefined);
    const socket = await connect(this.pubEp, timeout);
    this.pubSocket = socket;
    // Until the codec is loaded the socket is not read: incoming events wait in its buffer.
    codec.then(
      (c) => {
        if (!socket.destroyed) this.readEvents(socket, c);
      },
      (err: Error) => {
        this.log.error(`event client: cannot load the event codec: ${err.message}`);
        socket.destroy();
      },
    );
    socket.on('error', (err) => this.log.debug(`event client: pub connection error: ${err.message}`));
    socket.on('close', () => {
      if (this.pubSocket === socket) this.pubSocket = null;
      const err = new EventBusDisconnectedError(`the event bus at ${describeEndpoint(this.pubEp)} closed the connection`);
      for (const w of [...this.waiters]) this.finish(w, null, err);
      if (!this.closed) this.emit('disconnect');
    });
  }

  private readEvents(socket: Socket, codec: Codec): void {
    const reader = new codec.framing.FrameReader(Number.MAX_SAFE_INTEGER);
    socket.on('data', (chunk: Buffer) => {
      let frames: Buffer[];
      try {
        frames = reader.push(chunk);
      } catch (err) {
        this.log.error(`event client: invalid data from the bus: ${(err as Error).message}`);
        socket.destroy();
        return;
      }
      for (const frame of frames) {
        try {
          this.dispatch(codec, codec.framing.frameBody(frame));
        } catch (err) {
          this.log.warn(`event client: skipping an undecodable event: ${(err as Error).message}`);
        }
      }
    });
  }

  /**
   * Keeps events whose tag matches `tag` (by `matchType`, default `startswith`) until
   * {@link getEvent} takes them, and returns an async iterator over them. Ending the iteration
   * (break / return) unsubscribes.
   * @throws InvalidEventError for an unknown match type or a bad regex.
   */
  subscribe(tag: string, matchType: MatchType = 'startswith'): AsyncIterableIterator<SaltEvent> {
    const sub: Subscription = { tag, matchType, match: tagMatcher(tag, matchType) };
    this.subscriptions.push(sub);
    const ended = new AbortController();
    const iterator: AsyncIterableIterator<SaltEvent> = {
      next: async () => {
        const ev = await this.getEvent({ tag, matchType, signal: ended.signal });
        return ev ? { value: ev, done: false } : { value: undefined, done: true };
      },
      return: async () => {
        if (!ended.signal.aborted) {
          ended.abort();
          this.unsubscribe(tag, matchType);
        }
        return { value: undefined, done: true };
      },
      [Symbol.asyncIterator]() {
        return iterator;
      },
    };
    return iterator;
  }

  /** Stops keeping events for one earlier {@link subscribe}; kept events nobody wants are dropped. */
  unsubscribe(tag: string, matchType: MatchType = 'startswith'): void {
    const i = this.subscriptions.findIndex((s) => s.tag === tag && s.matchType === matchType);
    if (i >= 0) this.subscriptions.splice(i, 1);
    this.pending = this.pending.filter((ev) => this.subscriptions.some((s) => s.match(ev.tag)));
  }

  /**
   * Returns the next event matching `tag`: a kept one first, else the next to arrive.
   * Resolves null after `timeout` ms.
   * @throws EventBusDisconnectedError when the bus goes away while waiting, or was never connected.
   */
  getEvent(opts: GetEventOptions = {}): Promise<SaltEvent | null> {
    const match = tagMatcher(opts.tag ?? '', opts.matchType ?? 'startswith');
    const i = this.pending.findIndex((ev) => match(ev.tag));
    if (i >= 0) return Promise.resolve(this.pending.splice(i, 1)[0]!);
    if (!this.connected) return Promise.reject(new EventBusDisconnectedError('not connected to the event bus (call connectPub first)'));
    if (opts.signal?.aborted) return Promise.resolve(null);
    return new Promise<SaltEvent | null>((resolve, reject) => {
      const w: Waiter = { match, resolve, reject, timer: null };
      if (opts.timeout !== undefined && Number.isFinite(opts.timeout)) {
        w.timer = setTimeout(() => this.finish(w, null), Math.max(0, opts.timeout));
      }
      const signal = opts.signal;
      if (signal) {
        const onAbort = (): void => this.finish(w, null);
        signal.addEventListener('abort', onAbort, { once: true });
        w.unlisten = () => signal.removeEventListener('abort', onAbort);
      }
      this.waiters.add(w);
    });
  }

  /**
   * Yields the returns of job `jid` as they arrive (`salt/job/<jid>/ret/<id>` events with a
   * `return`), until every expected minion returned or `timeout` ms passed. Subscribe to
   * `salt/job/<jid>/` (or connect and pass the jid to the publish) before publishing, so no
   * early return is missed; this call subscribes too. A second return from a minion is ignored.
   */
  async *jobReturns(jid: string, opts: JobReturnsOptions = {}): AsyncGenerator<JobReturn, JobReturnsResult, void> {
    const prefix = `salt/job/${jid}/`;
    const retPrefix = `${prefix}ret/`;
    const expected = new Set<string>(opts.minions ?? []);
    const returns = new Map<string, EventData>();
    const deadline = Date.now() + (opts.timeout ?? 5000);
    this.subscribe(prefix);
    try {
      // Without a minion list, wait for one (an event with `minions`) or the timeout.
      const done = (): boolean =>
        (opts.minions !== undefined || expected.size > 0) && [...expected].every((id) => returns.has(id));
      while (!done()) {
        const left = deadline - Date.now();
        if (left <= 0) break;
        const ev = await this.getEvent({ tag: prefix, timeout: left });
        if (!ev) break;
        const minions = ev.data.minions;
        if (Array.isArray(minions)) for (const m of minions) if (typeof m === 'string') expected.add(m);
        if (!ev.tag.startsWith(retPrefix) || !('return' in ev.data)) continue;
        const id = typeof ev.data.id === 'string' ? ev.data.id : ev.tag.slice(retPrefix.length);
        if (returns.has(id)) continue;
        returns.set(id, ev.data);
        expected.add(id);
        yield { id, data: ev.data };
      }
    } finally {
      this.unsubscribe(prefix);
    }
    return { returns, missing: [...expected].filter((id) => !returns.has(id)).sort() };
  }

  /**
   * Waits for the returns of job `jid` from all expected minions, or until `timeout` ms.
   * See {@link jobReturns}.
   */
  async waitForJobReturns(jid: string, opts: JobReturnsOptions = {}): Promise<JobReturnsResult> {
    const it = this.jobReturns(jid, opts);
    for (;;) {
      const r = await it.next();
      if (r.done) return r.value;
    }
  }

  /**
   * Fires one event into the bus: adds `_stamp`, trims to `max_event_size`, writes one frame to
   * the pull socket (connecting on first use) and resolves once the bytes are handed to the OS.
   * @param timeout connect timeout in ms; default 1000 (Salt's `fire_event` default).
   * @throws InvalidEventError for an empty tag or non-map data; EventBusConnectError when the bus
   *   is not there.
   */
  async fire(tag: string, data: EventData, timeout = 1000): Promise<void> {
    const { event, framing, trim } = await loadCodec();
    const assertValid: (tag: unknown, data: unknown) => asserts data is EventData = event.assertValidEvent;
    assertValid(tag, data);
    const body = trim.packStampedEvent(tag, data, this.maxEventSize ?? trim.DEFAULT_MAX_EVENT_SIZE);
    const socket = await this.pullConnection(timeout);
    await new Promise<void>((resolve, reject) => {
      socket.write(framing.packFrame(body), (err) => (err ? reject(new EventBusConnectError(`cannot fire ${tag}: ${err.message}`, { cause: err })) : resolve()));
    });
  }

  /** Closes both connections; pending waits end with EventBusDisconnectedError. */
  async close(): Promise<void> {
    this.closed = true;
    const socks = [this.pubSocket, this.pullSocket].filter((s): s is Socket => s !== null);
    this.pubSocket = this.pullSocket = null;
    await Promise.all(
      socks.map(
        (s) =>
          new Promise<void>((resolve) => {
            if (s.destroyed) return resolve();
            s.once('close', () => resolve());
            s.end();
            setTimeout(() => s.destroy(), 200).unref();
          }),
      ),
    );
    for (const w of [...this.waiters]) this.finish(w, null, new EventBusDisconnectedError());
  }

  private async pullConnection(timeout: number): Promise<Socket> {
    if (this.pullSocket && !this.pullSocket.destroyed) return this.pullSocket;
    if (!this.pullConnecting) {
      this.pullConnecting = connect(this.pullEp, timeout).then(
        (s) => {
          s.on('error', (err) => this.log.debug(`event client: pull connection error: ${err.message}`));
          s.on('data', () => {});
          s.on('close', () => {
            if (this.pullSocket === s) this.pullSocket = null;
          });
          this.pullSocket = s;
          this.pullConnecting = null;
          return s;
        },
        (err) => {
          this.pullConnecting = null;
          throw err;
        },
      );
    }
    return this.pullConnecting;
  }

  private dispatch(codec: Codec, body: Buffer): void {
    const tag = codec.event.peekEventTag(body);
    if (tag === null) {
      this.log.debug('event client: skipping a body without a tag end marker');
      return;
    }
    const wantsAll = this.listenerCount('event') > 0;
    let waiter: Waiter | undefined;
    for (const w of this.waiters) {
      if (w.match(tag)) {
        waiter = w;
        break;
      }
    }
    const keep = !waiter && this.subscriptions.some((s) => s.match(tag));
    if (!wantsAll && !waiter && !keep) return;
    const event = codec.event.unpackEvent(body);
    if (wantsAll) this.emit('event', event);
    if (waiter) this.finish(waiter, event);
    else if (keep) {
      this.pending.push(event);
      if (this.pending.length > this.maxPending) {
        this.pending.shift();
        this.droppedPending++;
        if (this.droppedPending === 1 || this.droppedPending % 1000 === 0) {
          this.log.warn(`event client: ${this.droppedPending} kept event(s) dropped (more than ${this.maxPending} untaken)`);
        }
      }
    }
  }

  private finish(w: Waiter, ev: SaltEvent | null, err?: Error): void {
    if (!this.waiters.delete(w)) return;
    if (w.timer) clearTimeout(w.timer);
    w.unlisten?.();
    if (err) w.reject(err);
    else w.resolve(ev);
  }
}

/**
 * Fires one event into a master's bus and disconnects: a one-shot `fire_event` for tools
 * (`salt-key`, runners, the CLI).
 * @throws InvalidEventError, EventBusConnectError (see {@link EventClient.fire}).
 */
export async function fireMasterEvent(sockDir: string, tag: string, data: EventData, opts: Omit<EventClientOptions, 'sockDir'> = {}): Promise<void> {
  const client = new EventClient({ ...opts, sockDir });
  try {
    await client.fire(tag, data);
  } finally {
    await client.close();
  }
}

function connect(ep: BusEndpoint, timeout: number): Promise<Socket> {
  return new Promise<Socket>((resolve, reject) => {
    const socket = 'path' in ep ? createConnection({ path: ep.path }) : createConnection({ host: ep.host, port: ep.port });
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new EventBusConnectError(`The event bus at ${describeEndpoint(ep)} did not accept a connection within ${timeout} ms`));
    }, timeout);
    socket.once('connect', () => {
      clearTimeout(timer);
      socket.removeAllListeners('error');
      resolve(socket);
    });
    socket.once('error', (err: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      const why = err.code === 'ENOENT' ? 'the socket file does not exist (is the daemon running?)' : err.message;
      reject(new EventBusConnectError(`Cannot connect to the event bus at ${describeEndpoint(ep)}: ${why}`, { cause: err }));
    });
  });
}
