/**
 * The event bus of a master (or minion): Salt's `EventPublisher`. Publishers connect to the
 * pull socket and write IPC frames; every frame's body is re-framed and written to every
 * subscriber connected to the pub socket (salt-wire 9.2). Subscribers filter tags themselves.
 *
 * The bus runs inside the daemon's process and never throws on network input: garbage from a
 * publisher is logged and that connection closed; a subscriber that does not read loses frames
 * (counted and logged) once its buffer is full, so it can never hold the daemon back.
 */
import { lstatSync, chmodSync, unlinkSync } from 'node:fs';
import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { busEndpoints, describeEndpoint, type BusEndpoint, type BusRole, type IpcMode } from './addresses.js';
import { EventBusListenError } from './errors.js';
import { assertValidEvent, peekEventTag, stampEvent, TAGEND, unpackEvent, type EventData, type SaltEvent } from './event.js';
import { FrameReader, frameBody, packFrame } from './framing.js';
import { silentLogger, type BusLogger } from './_logger.js';
import { DEFAULT_MAX_EVENT_SIZE, packTrimmedData } from './trim.js';

export interface EventBusServerOptions {
  /** Directory of the socket files (`sock_dir`). */
  sockDir: string;
  /** Default `master`: `master_event_{pub,pull}.ipc`; `minion` needs `id`. */
  role?: BusRole;
  /** Minion id (minion bus only). */
  id?: string;
  /** `hash_type` for minion socket names; default `sha256`. */
  hashType?: string;
  /** `max_event_size` for events fired with {@link EventBusServer.fireLocal}; default 1 MiB. */
  maxEventSize?: number;
  /** Largest frame accepted from a publisher; default max(16 × maxEventSize, 16 MiB). */
  maxFrameSize?: number;
  /** Bytes queued for one subscriber before its frames are dropped; default 16 MiB. */
  maxSubscriberBuffer?: number;
  /** `ipc_mode`; default `ipc` (Unix sockets). `tcp` listens on 127.0.0.1. */
  ipcMode?: IpcMode;
  tcpPubPort?: number;
  tcpPullPort?: number;
  /** Mode of the socket files; default 0o600 (Salt: umask 0177). */
  socketMode?: number;
  logger?: BusLogger;
}

/** Counters for monitoring and tests. */
export interface EventBusStats {
  /** Events published to subscribers (from publishers and fireLocal). */
  published: number;
  /** Frames not delivered to a subscriber because its buffer was full. */
  dropped: number;
  /** Publisher connections closed for sending garbage. */
  badPublishers: number;
  subscribers: number;
  publishers: number;
}

/** An in-process listener; receives every event (decoded). */
export type EventListener = (event: SaltEvent) => void;

interface Subscriber {
  socket: Socket;
  dropped: number;
}

/** Salt's local event bus server (`master_event_pub.ipc` / `master_event_pull.ipc`). */
export class EventBusServer {
  /** Where subscribers connect (a TCP port 0 is replaced by the real port once started). */
  pub: BusEndpoint;
  /** Where publishers connect. */
  pull: BusEndpoint;
  private readonly log: BusLogger;
  private readonly maxEventSize: number;
  private readonly maxFrameSize: number;
  private readonly maxSubscriberBuffer: number;
  private readonly socketMode: number;
  private pubServer: Server | null = null;
  private pullServer: Server | null = null;
  private readonly subscribers = new Set<Subscriber>();
  private readonly publishers = new Set<Socket>();
  private readonly listeners = new Set<EventListener>();
  private readonly counters = { published: 0, dropped: 0, badPublishers: 0 };
  private started = false;
  private closed = false;

  /** @throws EventBusListenError for a minion bus without id or a too-long socket path. */
  constructor(opts: EventBusServerOptions) {
    const eps = busEndpoints(opts);
    this.pub = { ...eps.pub };
    this.pull = { ...eps.pull };
    this.log = opts.logger ?? silentLogger;
    this.maxEventSize = opts.maxEventSize ?? DEFAULT_MAX_EVENT_SIZE;
    this.maxFrameSize = opts.maxFrameSize ?? Math.max(16 * this.maxEventSize, 16 * 1024 * 1024);
    this.maxSubscriberBuffer = opts.maxSubscriberBuffer ?? 16 * 1024 * 1024;
    this.socketMode = opts.socketMode ?? 0o600;
  }

  /** Counters: published, dropped, bad publishers, connected subscribers and publishers. */
  get stats(): EventBusStats {
    return { ...this.counters, subscribers: this.subscribers.size, publishers: this.publishers.size };
  }

  /**
   * Starts listening on both sockets. A stale socket file (nobody listening) is replaced.
   * @throws EventBusListenError when another bus is listening, the path is not a socket, or
   *   listening fails.
   */
  async start(): Promise<void> {
    if (this.started) return;
    this.started = true;
    this.pubServer = await this.listen(this.pub, (s) => this.addSubscriber(s));
    try {
      this.pullServer = await this.listen(this.pull, (s) => this.addPublisher(s));
    } catch (err) {
      await closeServer(this.pubServer, this.pub);
      this.pubServer = null;
      throw err;
    }
    this.log.debug(`event bus listening: pub ${describeEndpoint(this.pub)}, pull ${describeEndpoint(this.pull)}`);
  }

  /** Stops listening, disconnects everyone and removes the socket files. Safe to call twice. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const sub of this.subscribers) sub.socket.destroy();
    for (const p of this.publishers) p.destroy();
    this.subscribers.clear();
    this.publishers.clear();
    await Promise.all([closeServer(this.pubServer, this.pub), closeServer(this.pullServer, this.pull)]);
    this.pubServer = this.pullServer = null;
  }

  /**
   * Fires an event from inside the daemon: adds `_stamp` (UTC, Python isoformat), trims the data
   * to `max_event_size`, and publishes it to every subscriber and in-process listener.
   * @throws InvalidEventError for an empty tag or data that is not a map (a caller bug).
   */
  fireLocal(tag: string, data: EventData): void {
    assertValidEvent(tag, data);
    const stamped = stampEvent(data);
    const body = Buffer.concat([Buffer.from(tag, 'utf8'), Buffer.from(TAGEND), packTrimmedData(stamped, this.maxEventSize)]);
    this.broadcast(body);
    if (this.listeners.size) this.notify({ tag, data: stamped }, body);
  }

  /**
   * Publishes an already packed event (tag ‖ "\n\n" ‖ msgpack) as it is, as if a publisher had
   * written it to the pull socket.
   */
  publishPacked(body: Buffer): void {
    this.broadcast(body);
    if (this.listeners.size) this.notify(null, body);
  }

  /**
   * Adds an in-process listener that receives every event published on this bus (decoded).
   * Returns a function that removes it. A listener that throws is logged and kept.
   */
  on(listener: EventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private broadcast(body: Buffer): void {
    this.counters.published++;
    if (this.subscribers.size === 0) return;
    const frame = packFrame(body);
    for (const sub of this.subscribers) {
      const sock = sub.socket;
      if (sock.destroyed || !sock.writable) continue;
      if (sock.writableLength + frame.length > this.maxSubscriberBuffer && this.corked.delete(sock)) {
        // A big burst: hand what this turn gathered to the kernel before judging the subscriber.
        sock.uncork();
      }
      if (sock.writableLength + frame.length > this.maxSubscriberBuffer) {
        sub.dropped++;
        this.counters.dropped++;
        if (sub.dropped === 1 || sub.dropped % 1000 === 0) {
          this.log.warn(
            `event bus subscriber is not reading: ${sub.dropped} event(s) dropped for it so far (buffer limit ${this.maxSubscriberBuffer} bytes)`,
          );
        }
        continue;
      }
      if (!this.corked.has(sock)) {
        // Events of one loop turn leave in one write per subscriber (a burst of returns is
        // thousands of events; a system call each cost the master more than the returns).
        sock.cork();
        this.corked.add(sock);
        if (this.corked.size === 1) setImmediate(this.uncorkAll);
      }
      sock.write(frame);
    }
  }

  private readonly corked = new Set<Socket>();
  private readonly uncorkAll = (): void => {
    for (const sock of this.corked) sock.uncork();
    this.corked.clear();
  };

  private notify(decoded: SaltEvent | null, body: Buffer): void {
    let event = decoded;
    if (!event) {
      try {
        event = unpackEvent(body);
      } catch (err) {
        this.log.debug(`event bus: an event for in-process listeners could not be decoded: ${(err as Error).message}`);
        return;
      }
    }
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch (err) {
        this.log.error(`event bus: an in-process listener failed on ${event.tag}: ${(err as Error).stack ?? err}`);
      }
    }
  }

  private addSubscriber(socket: Socket): void {
    const sub: Subscriber = { socket, dropped: 0 };
    this.subscribers.add(sub);
    // Subscribers never speak; reading keeps 'close' coming when they go away.
    socket.on('data', () => {});
    socket.on('error', (err) => this.log.debug(`event bus subscriber error: ${err.message}`));
    socket.on('close', () => this.subscribers.delete(sub));
  }

  private addPublisher(socket: Socket): void {
    this.publishers.add(socket);
    const reader = new FrameReader(this.maxFrameSize);
    socket.on('data', (chunk: Buffer) => {
      let frames: Buffer[];
      try {
        frames = reader.push(chunk);
      } catch (err) {
        this.counters.badPublishers++;
        this.log.warn(`event bus: closing a publisher connection that sent invalid data: ${(err as Error).message}`);
        socket.destroy();
        return;
      }
      for (const frame of frames) {
        let body: Buffer;
        try {
          body = frameBody(frame);
        } catch (err) {
          this.counters.badPublishers++;
          this.log.warn(`event bus: closing a publisher connection that sent an invalid frame: ${(err as Error).message}`);
          socket.destroy();
          return;
        }
        if (peekEventTag(body) === null) this.log.debug('event bus: forwarding a body without a tag end marker');
        this.publishPacked(body);
      }
    });
    socket.on('error', (err) => this.log.debug(`event bus publisher error: ${err.message}`));
    socket.on('close', () => this.publishers.delete(socket));
  }

  private async listen(ep: BusEndpoint, onConnection: (s: Socket) => void): Promise<Server> {
    if ('path' in ep) await removeStaleSocket(ep.path);
    const server = createServer({ pauseOnConnect: false }, onConnection);
    server.on('error', (err) => this.log.error(`event bus server error on ${describeEndpoint(ep)}: ${err.message}`));
    await new Promise<void>((resolve, reject) => {
      const onError = (err: Error): void => {
        reject(new EventBusListenError(`The event bus cannot listen on ${describeEndpoint(ep)}: ${err.message}`, { cause: err }));
      };
      server.once('error', onError);
      const listening = (): void => {
        server.off('error', onError);
        resolve();
      };
      if ('path' in ep) {
        // Create the socket file 0600 from the start (umask), as Salt does; worker threads cannot
        // change the umask, so chmod below covers that case.
        let old: number | null = null;
        try {
          old = process.umask(0o177);
        } catch {
          old = null;
        }
        try {
          server.listen(ep.path, listening);
        } finally {
          if (old !== null) process.umask(old);
        }
      } else {
        server.listen(ep.port, ep.host, listening);
      }
    });
    if ('path' in ep) chmodSync(ep.path, this.socketMode);
    else {
      const addr = server.address();
      if (addr && typeof addr === 'object') ep.port = addr.port;
    }
    return server;
  }
}

/** Removes a socket file nobody listens on; refuses to touch a live socket or a non-socket. */
async function removeStaleSocket(path: string): Promise<void> {
  let st;
  try {
    st = lstatSync(path);
  } catch {
    return;
  }
  if (!st.isSocket()) {
    throw new EventBusListenError(`The event bus cannot listen on ${path}: the path exists and is not a socket`);
  }
  const alive = await new Promise<boolean>((resolve) => {
    const probe = createConnection({ path });
    probe.once('connect', () => {
      probe.destroy();
      resolve(true);
    });
    probe.once('error', () => resolve(false));
  });
  if (alive) throw new EventBusListenError(`The event bus cannot listen on ${path}: another process is listening there`);
  unlinkSync(path);
}

async function closeServer(server: Server | null, ep: BusEndpoint): Promise<void> {
  if (!server) return;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if ('path' in ep) {
    try {
      unlinkSync(ep.path);
    } catch {
      // Node removes the file itself on close; nothing left is fine.
    }
  }
}
