/**
 * ZeroMQ sockets for Salt's two channels, bytes in and bytes out. No knowledge of Salt payloads.
 *
 * - ReqServer: the master's ROUTER on `ret_port` (4506). Each request is `[routing-id, "", body]`.
 * - PubServer: the master's PUB on `publish_port` (4505), one frame per publish.
 * - ReqClient: a REQ socket with one request in flight, a queue, and Salt's recovery rule:
 *   on timeout the socket is closed and recreated, so a late reply is simply lost.
 * - SubClient: a SUB socket subscribed to everything.
 */
import * as zmq from 'zeromq';
import { SendQueue } from './send_queue.js';
import type { Logger } from '../log/logger.js';
import { nullLogger } from '../log/logger.js';

export interface TcpOptions {
  /** TCP keepalive on (Salt's `tcp_keepalive`, default True). */
  keepalive?: boolean;
  /** Seconds of idle before keepalive probes (`tcp_keepalive_idle`, default 300). */
  keepaliveIdle?: number;
}

/** Builds `tcp://host:port`, bracketing IPv6 literals. */
export function tcpUri(host: string, port: number): string {
  return host.includes(':') ? `tcp://[${host}]:${port}` : `tcp://${host}:${port}`;
}

/** Socket options for TCP keepalive (Salt's tcp_keepalive / tcp_keepalive_idle). */
function keepaliveOptions(tcp: TcpOptions | undefined): { tcpKeepalive?: number; tcpKeepaliveIdle?: number } {
  if (tcp?.keepalive === false) return {};
  return tcp?.keepaliveIdle && tcp.keepaliveIdle > 0 ? { tcpKeepalive: 1, tcpKeepaliveIdle: tcp.keepaliveIdle } : { tcpKeepalive: 1 };
}

// libzmq's ZMQ_IN_BATCH_SIZE / ZMQ_OUT_BATCH_SIZE (draft options of libzmq 4.3).
const ZMQ_IN_BATCH_SIZE = 101;
const ZMQ_OUT_BATCH_SIZE = 102;
/**
 * The master's per-connection read and write buffers. libzmq's default (8 KiB each) is most of
 * the ~24 KiB a connection costs; master traffic is small messages, and bodies larger than the
 * buffer bypass it. 1 KiB: 10,000 minions' connections take ~27 % less memory.
 */
const MASTER_BATCH_BYTES = 1024;

/** Sets the batch sizes where libzmq has the (draft) options; elsewhere keeps its defaults. */
function setBatchSizes(sock: zmq.Socket, bytes: number): void {
  const raw = sock as unknown as { setInt32Option(option: number, value: number): void };
  try {
    raw.setInt32Option(ZMQ_IN_BATCH_SIZE, bytes);
    raw.setInt32Option(ZMQ_OUT_BATCH_SIZE, bytes);
  } catch {
    // a libzmq without draft options: the defaults stay
  }
}

/** True for a call a signal interrupted (EINTR): nothing was sent or received, so try again. */
function interrupted(err: unknown): boolean {
  return (err as { code?: string } | null)?.code === 'EINTR';
}

/** Runs a synchronous libzmq call (socket creation, connect, subscribe) until no signal interrupts it. */
function retryingSync<T>(call: () => T): T {
  for (let tries = 0; ; tries++) {
    try {
      return call();
    } catch (err) {
      if (!interrupted(err) || tries >= 100) throw err;
    }
  }
}

/** Receives one message, retrying calls a signal interrupted (a profiler's SIGPROF, a child's SIGCHLD). */
export async function receiveRetrying(sock: zmq.Readable): Promise<Buffer[]> {
  for (;;) {
    try {
      return await sock.receive();
    } catch (err) {
      if (!interrupted(err)) throw err;
    }
  }
}

/** Sends one message, retrying calls a signal interrupted. */
export async function sendRetrying(sock: zmq.Writable, msg: Buffer | Buffer[]): Promise<void> {
  for (;;) {
    try {
      await sock.send(msg);
      return;
    } catch (err) {
      if (!interrupted(err)) throw err;
    }
  }
}

export interface ReqServerOptions extends TcpOptions {
  /** Largest accepted message in bytes; libzmq drops the peer's connection past it. */
  maxMessageSize?: number;
  backlog?: number;
  ipv6?: boolean;
  logger?: Logger;
}

/** A request as the ROUTER saw it: reply exactly once through `reply`. */
export interface IncomingRequest {
  body: Buffer;
  reply(body: Buffer): Promise<void>;
}

export class ReqServer {
  private readonly router: zmq.Router;
  private readonly queue: SendQueue;
  private readonly log: Logger;
  private closed = false;
  /** Frames that were not `[id, "", body]`: dropped and counted. */
  malformed = 0;
  /**
   * Replies libzmq could not deliver (the peer disconnected, e.g. a minion that timed out and
   * closed its socket, or its pipe was full): counted, never silent.
   */
  undeliverable = 0;

  constructor(private readonly opts: ReqServerOptions = {}) {
    this.log = opts.logger ?? nullLogger;
    this.router = new zmq.Router({
      maxMessageSize: opts.maxMessageSize ?? 100 * 1024 * 1024,
      backlog: opts.backlog ?? 1000,
      linger: 0,
      ipv6: opts.ipv6 === true,
      // Fail (EHOSTUNREACH / EAGAIN) instead of dropping silently; sendTimeout 0 never blocks.
      mandatory: true,
      sendTimeout: 0,
      ...keepaliveOptions(opts),
    });
    setBatchSizes(this.router, MASTER_BATCH_BYTES);
    this.queue = new SendQueue(this.router);
  }

  async bind(host: string, port: number): Promise<void> {
    await this.router.bind(tcpUri(host, port));
  }

  /** Receives requests until closed, calling `handler` for each without awaiting it. */
  async serve(handler: (req: IncomingRequest) => void): Promise<void> {
    try {
      while (!this.closed) {
        const frames = await receiveRetrying(this.router);
        if (frames.length !== 3 || frames[1].length !== 0) {
          this.malformed++;
          this.log.warn(`Dropped a request with ${frames.length} frames: expected [id, "", body]`);
          continue;
        }
        const [id, , body] = frames;
        let answered = false;
        handler({
          body,
          reply: (out: Buffer) => {
            if (answered || this.closed) return Promise.resolve();
            answered = true;
            return this.queue.send([id, Buffer.alloc(0), out]).catch((err: Error) => {
              this.undeliverable++;
              this.log.debug(`Could not send a reply: ${err.message}`);
            });
          },
        });
      }
    } catch (err) {
      if (!this.closed) throw err;
    }
  }

  /** Replies refused because the send queue was full. */
  get queueFull(): number {
    return this.queue.dropped;
  }

  close(): void {
    this.closed = true;
    this.router.close();
  }
}

export interface PubServerOptions extends TcpOptions {
  /** Messages queued per subscriber before libzmq drops (`pub_hwm`, default 1000). */
  hwm?: number;
  backlog?: number;
  ipv6?: boolean;
  logger?: Logger;
}

export class PubServer {
  private readonly pub: zmq.Publisher;
  private readonly queue: SendQueue;
  /**
   * Publishes that found at least one subscriber at its high-water mark (`pub_hwm`) and were
   * therefore dropped for that subscriber. libzmq drops silently; we detect it and count it.
   */
  hwmDrops = 0;

  constructor(opts: PubServerOptions = {}) {
    this.pub = new zmq.Publisher({
      // Its own libzmq context, hence its own I/O thread (Salt also gives its publisher a
      // separate context): writing one publish to 10,000 connections keeps an I/O thread busy
      // ~150 ms, and the request socket's replies and incoming returns must not queue behind it.
      context: new zmq.Context({ ioThreads: 1 }),
      // noDrop makes a send fail with EAGAIN when any subscriber is at its HWM (sendTimeout 0:
      // at once), which is how the drop is detected; see publish().
      noDrop: true,
      sendTimeout: 0,
      sendHighWaterMark: opts.hwm ?? 1000,
      backlog: opts.backlog ?? 1000,
      linger: 0,
      // No ZMTP heartbeats (Salt sets none; TCP keepalive finds dead peers): libzmq cancels a
      // timer by scanning all of them, so 10,000 heartbeating peers kept its I/O thread at
      // 30-50 % of a core while idle and starved the accepts of returning minions.
      ipv6: opts.ipv6 === true,
      ...keepaliveOptions(opts),
    });
    setBatchSizes(this.pub, MASTER_BATCH_BYTES);
    this.queue = new SendQueue({ send: (frame: Buffer | Buffer[]) => this.sendCounted(frame) } as never);
  }

  async bind(host: string, port: number): Promise<void> {
    await this.pub.bind(tcpUri(host, port));
  }

  /** The bound address, e.g. `tcp://127.0.0.1:4505` (the real port when bound to port 0). */
  get endpoint(): string {
    return this.pub.lastEndpoint ?? '';
  }

  /**
   * Publishes one frame to every subscriber, in order. A subscriber at its high-water mark misses
   * it (as in Salt: one slow minion must not stall the others) and the drop is counted in `hwmDrops`.
   * With `topics` (Salt's `zmq_filtering`) it sends one two-frame copy `[topic, frame]` per
   * topic instead, which libzmq delivers only to the subscribers of that topic.
   */
  async publish(frame: Buffer, topics?: readonly string[]): Promise<void> {
    if (topics === undefined) return this.queue.send(frame);
    await Promise.all(topics.map((topic) => this.queue.send([Buffer.from(topic, 'latin1'), frame])));
  }

  private async sendCounted(frame: Buffer | Buffer[]): Promise<void> {
    try {
      await sendRetrying(this.pub, frame);
    } catch (err) {
      if ((err as { code?: string }).code !== 'EAGAIN') throw err;
      this.hwmDrops++;
      // Deliver to everyone below the mark: drop mode for this one frame only.
      this.pub.noDrop = false;
      try {
        await this.pub.send(frame);
      } finally {
        this.pub.noDrop = true;
      }
    }
  }

  /** Publishes refused because the send queue was full. */
  get queueFull(): number {
    return this.queue.dropped;
  }

  close(): void {
    this.pub.close();
  }
}

export class RequestTimeoutError extends Error {
  override name = 'RequestTimeoutError';
  readonly code = 'ETIMEDOUT';
}

export interface ReqClientOptions extends TcpOptions {
  logger?: Logger;
  ipv6?: boolean;
  /** libzmq reconnect interval cap in ms (Salt: 5000). */
  reconnectIntervalMax?: number;
  /**
   * Close the socket (and its TCP connection) after this many ms without a request; the next
   * request connects again. Salt's minion opens a request channel per return the same way, so a
   * master holds one connection per minion (the publish one), not two. Default: never.
   */
  idleCloseMs?: number;
}

/**
 * A REQ socket to the master. Requests are serialised (one in flight, as REQ demands);
 * a timed-out request closes and recreates the socket.
 */
export class ReqClient {
  private sock: zmq.Request | null = null;
  private tail: Promise<unknown> = Promise.resolve();
  private closed = false;
  private linked = false;
  private queued = 0;
  private idleTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly uri: string,
    private readonly opts: ReqClientOptions = {},
  ) {}

  /** True while the socket is connected (or connecting) to the master. */
  get connected(): boolean {
    return this.sock !== null && this.linked;
  }

  private settled(): void {
    this.queued--;
    const idle = this.opts.idleCloseMs;
    if (this.queued > 0 || idle === undefined) return;
    clearTimeout(this.idleTimer);
    this.idleTimer = setTimeout(() => {
      if (this.queued === 0) this.resetSocket();
    }, idle);
    this.idleTimer.unref();
  }

  private socket(): zmq.Request {
    if (!this.sock) {
      this.sock = retryingSync(() => new zmq.Request({
        linger: 0,
        reconnectMaxInterval: this.opts.reconnectIntervalMax ?? 5000,
        ipv6: this.opts.ipv6 === true || this.uri.includes('['),
        ...keepaliveOptions(this.opts),
      }));
      this.linked = false;
    }
    if (!this.linked) {
      const sock = this.sock;
      retryingSync(() => sock.connect(this.uri));
      this.linked = true;
    }
    return this.sock;
  }

  private resetSocket(): void {
    if (this.sock) {
      this.sock.close();
      this.sock = null;
      this.linked = false;
    }
  }

  /** Sends one request and waits up to `timeoutMs` for its reply. */
  send(body: Buffer, timeoutMs: number): Promise<Buffer> {
    const run = async (): Promise<Buffer> => {
      if (this.closed) throw new Error('request channel closed');
      const sock = this.socket();
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new RequestTimeoutError(`no reply from ${this.uri} within ${timeoutMs} ms`)), timeoutMs);
      });
      try {
        const exchange = (async () => {
          await sendRetrying(sock, body);
          const [reply] = await receiveRetrying(sock);
          return reply;
        })();
        exchange.catch(() => undefined);
        return await Promise.race([exchange, timeout]);
      } catch (err) {
        this.resetSocket();
        throw err;
      } finally {
        clearTimeout(timer);
      }
    };
    this.queued++;
    clearTimeout(this.idleTimer);
    const result = this.tail.then(run, run);
    this.tail = result.catch(() => undefined).finally(() => this.settled());
    return result;
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.idleTimer);
    this.resetSocket();
  }
}

export interface SubClientOptions extends TcpOptions {
  /** Salt's `recon_default` / `recon_max` in ms; `recon_randomize` spreads reconnects. */
  reconDefault?: number;
  reconMax?: number;
  reconRandomize?: boolean;
  identity?: string;
  ipv6?: boolean;
  /**
   * Topics to subscribe to (Salt's `zmq_filtering`: `broadcast` and the SHA-1 hex of the
   * minion id). Default: everything.
   */
  topics?: readonly string[];
}

export class SubClient {
  private readonly sub: zmq.Subscriber;
  private closed = false;

  constructor(private readonly uri: string, opts: SubClientOptions = {}) {
    const reconDefault = opts.reconDefault ?? 1000;
    const reconMax = opts.reconMax ?? 10000;
    this.sub = retryingSync(() => new zmq.Subscriber({
      reconnectInterval: opts.reconRandomize === false ? reconDefault : reconDefault + Math.floor(Math.random() * reconMax),
      reconnectMaxInterval: reconMax,
      linger: 0,
      ipv6: opts.ipv6 === true || uri.includes('['),
      ...keepaliveOptions(opts),
    }));
    const topics = opts.topics ?? [];
    retryingSync(() => this.sub.subscribe(...topics));
  }

  connect(): void {
    retryingSync(() => this.sub.connect(this.uri));
  }

  /** Yields each received message's frames until closed. */
  async *messages(): AsyncGenerator<Buffer[]> {
    try {
      while (!this.closed) yield await receiveRetrying(this.sub);
    } catch (err) {
      if (!this.closed) throw err;
    }
  }

  close(): void {
    this.closed = true;
    this.sub.close();
  }
}
