/**
 * LocalClient: publishes jobs to the master (a clear `publish` on the request port, authenticated
 * with the caller's access key) and collects their returns from the master's event bus, with
 * Salt's timeout rules: after `timeout`, minions that have not answered are asked
 * `saltutil.find_job`; those still running the job keep the wait alive for another
 * `gather_job_timeout`.
 */
import { isMap } from '../protocol/values.js';
import { existsSync, readFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import type { EventClient } from '../events/client.js';
import type { ReqClient } from '../transport/zeromq.js';

type Opts = Record<string, unknown>;
type Load = Record<string, unknown>;


/** The master did not answer the publish in time. */
export class SaltReqTimeoutError extends Error {
  override name = 'SaltReqTimeoutError';
  readonly code = 'ETIMEDOUT';
}
export class AuthenticationError extends Error {
  override name = 'AuthenticationError';
  readonly code = 'EAUTH';
}
export class AuthorizationError extends Error {
  override name = 'AuthorizationError';
  readonly code = 'EAUTHZ';
}
export class PublishError extends Error {
  override name = 'PublishError';
  readonly code = 'EPUBLISH';
}

export interface PublishArgs {
  tgt: string | string[];
  fun: string | string[];
  arg: unknown[];
  tgtType?: string;
  ret?: string;
  jid?: string;
  kwargs?: Load;
  /** Seconds to wait for the master's reply. */
  timeout?: number;
}

export interface PubData {
  jid: string | null;
  minions: string[];
  missing?: string[];
}

/** One minion's return as the CLI sees it. */
export interface MinionReturn {
  ret: unknown;
  out?: string;
  retcode?: number;
  jid?: string;
  failed?: boolean;
}

const NO_RESPONSE = (jid: string): string =>
  'Minion did not return. [No response]\nThe minions may not have all finished running and any remaining minions will return upon completion. To look up the return data for this job later, run the following command:\n\nsalt-run jobs.lookup_jid ' +
  jid;

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** The tag prefix of every job event. */
const ALL_JOBS = 'salt/job/';

/** The request channel (ZeroMQ's native addon and the wire codec), loaded once on first need. */
interface Transport {
  zeromq: typeof import('../transport/zeromq.js');
  payload: typeof import('../protocol/payload.js');
}

let transportLoading: Promise<Transport> | null = null;

function loadTransport(): Promise<Transport> {
  transportLoading ??= Promise.all([import('../transport/zeromq.js'), import('../protocol/payload.js')]).then(([zeromq, payload]) => ({ zeromq, payload }));
  return transportLoading;
}

export class LocalClient {
  private event: EventClient | null = null;
  private req: ReqClient | null = null;
  /** Jobs whose events are kept for a coming {@link iterReturns} (see {@link pub}). */
  private readonly held = new Set<string>();

  constructor(private readonly opts: Opts) {}

  /** The access key of the calling user: root and sudo users read the master user's key. */
  readAccessKey(): string {
    let user = 'root';
    try {
      user = userInfo().username;
    } catch {
      // keep root
    }
    const keyUser = user === 'root' || process.env.SUDO_USER ? String(this.opts.user ?? 'root') : user;
    try {
      return readFileSync(join(String(this.opts.cachedir), `.${keyUser}_key`), 'utf8').trim();
    } catch {
      return '';
    }
  }

  private callingUser(): string {
    if (process.env.SUDO_USER) return `sudo_${process.env.SUDO_USER}`;
    try {
      return userInfo().username;
    } catch {
      return 'root';
    }
  }

  private masterUri(tcpUri: (host: string, port: number) => string): string {
    let host = String(this.opts.interface ?? '0.0.0.0');
    if (host === '0.0.0.0') host = '127.0.0.1';
    if (host === '::') host = '::1';
    return tcpUri(host, Number(this.opts.ret_port ?? 4506));
  }

  /** Connects to the event bus; must happen before publishing so no return is missed. */
  async listen(timeoutMs = 5000): Promise<EventClient> {
    if (!this.event) {
      // The publish comes next: load its transport while the bus connects.
      loadTransport().catch(() => undefined);
      const { EventClient } = await import('../events/client.js');
      const ev = new EventClient({ sockDir: String(this.opts.sock_dir), role: 'master' } as never);
      await ev.connectPub(timeoutMs);
      this.event = ev;
    }
    return this.event;
  }

  /**
   * Sends the clear `publish` and returns the master's `{jid, minions}`. When listening (see
   * {@link listen}), the job's events are kept from before the publish on, as Salt's `run_job`
   * does: a fast minion's return can reach the bus before the master's reply reaches us. They are
   * kept until {@link iterReturns} takes them, or {@link close}.
   */
  async pub(args: PublishArgs): Promise<PubData> {
    const ev = this.event;
    if (!ev) return this.publish(args);
    ev.subscribe(ALL_JOBS);
    try {
      const pub = await this.publish(args);
      if (pub.jid && !this.held.has(pub.jid)) {
        ev.subscribe(`salt/job/${pub.jid}`);
        this.held.add(pub.jid);
      }
      return pub;
    } finally {
      ev.unsubscribe(ALL_JOBS);
    }
  }

  /** Drops the hold {@link pub} put on a job's events, once a caller subscribed itself. */
  private releaseHold(jid: string): void {
    if (this.held.delete(jid)) this.event?.unsubscribe(`salt/job/${jid}`);
  }

  private async publish(args: PublishArgs): Promise<PubData> {
    const kwargs: Load = { ...(args.kwargs ?? {}) };
    const load: Load = {
      cmd: 'publish',
      tgt: args.tgt,
      fun: args.fun,
      arg: args.arg,
      key: this.readAccessKey(),
      tgt_type: args.tgtType ?? 'glob',
      ret: args.ret ?? '',
      jid: args.jid ?? '',
      kwargs,
      user: this.callingUser(),
    };
    if (this.opts.order_masters) load.to = args.timeout ?? this.opts.timeout;
    const { zeromq, payload: wire } = await loadTransport();
    if (!this.req) this.req = new zeromq.ReqClient(this.masterUri(zeromq.tcpUri));
    let raw: Buffer;
    try {
      raw = await this.req.send(wire.encodeWire({ enc: 'clear', load, version: 3 }), (args.timeout ?? Number(this.opts.timeout ?? 5)) * 1000);
    } catch {
      throw new SaltReqTimeoutError(
        'Salt request timed out. The master is not responding. You may need to run your command with `--async` in order to bypass the congested event bus. With `--async`, the CLI tool will print the job id (jid) and exit immediately without listening for responses. You can then use `salt-run jobs.lookup_jid` to look up the results of the job in the job cache later.',
      );
    }
    const payload = wire.decodeWire(raw);
    if (!isMap(payload)) throw new PublishError(`Unexpected reply from the master: ${JSON.stringify(payload)}`);
    if (isMap(payload.error)) {
      const msg = String(payload.error.message ?? '');
      if (payload.error.name === 'AuthenticationError') throw new AuthenticationError(msg);
      if (payload.error.name === 'AuthorizationError') throw new AuthorizationError(msg);
      throw new PublishError(msg);
    }
    if (payload.error !== undefined) throw new PublishError(String(payload.error));
    const l = isMap(payload.load) ? payload.load : {};
    return {
      jid: typeof l.jid === 'string' ? l.jid : null,
      minions: Array.isArray(l.minions) ? l.minions.map(String) : [],
      missing: Array.isArray(l.missing) ? l.missing.map(String) : [],
    };
  }

  /**
   * Yields `{id: MinionReturn}` as returns arrive, then (with `expectMinions`) one
   * `{id: {failed: true}}` per minion that never returned. Salt's get_iter_returns rules.
   */
  async *iterReturns(jid: string, minions: Iterable<string>, opts: { timeout: number; gatherJobTimeout: number; expectMinions: boolean; tgtType?: string }): AsyncGenerator<Record<string, MinionReturn>> {
    const ev = await this.listen();
    const expected = new Set<string>();
    const found = new Set<string>();
    /** Expected minions that have not returned: kept incrementally, so 10,000 minions stay linear. */
    const pending = new Set<string>();
    const timeoutMs = opts.timeout * 1000;
    let timeoutAt = Date.now() + timeoutMs;
    const minionTimeouts = new Map<string, number>();
    const expect = (id: string): void => {
      if (expected.has(id)) return;
      expected.add(id);
      if (!found.has(id)) {
        pending.add(id);
        minionTimeouts.set(id, Date.now() + timeoutMs);
      }
    };
    for (const m of minions) expect(m);
    let minionsRunning = true;
    const jobSub = ev.subscribe(`salt/job/${jid}`);
    this.releaseHold(jid);
    let findJid: string | null = null;
    const queue: Array<{ tag: string; data: Load }> = [];
    const waker: { wake: (() => void) | null } = { wake: null };
    const pump = (async () => {
      for await (const e of jobSub) {
        queue.push(e as never);
        waker.wake?.();
      }
    })();
    pump.catch(() => undefined);
    const findQueue: Array<{ tag: string; data: Load }> = [];
    try {
      for (;;) {
        for (const raw of queue.splice(0)) {
          const data = isMap(raw.data) ? raw.data : {};
          if (Array.isArray(data.minions)) {
            for (const m of data.minions) expect(String(m));
            continue;
          }
          if (!raw.tag.startsWith(`salt/job/${jid}/ret/`) || !('return' in data)) continue;
          const id = String(data.id);
          if (found.has(id)) continue;
          found.add(id);
          pending.delete(id);
          const r: MinionReturn = { ret: data.return };
          if ('out' in data) r.out = String(data.out);
          if ('retcode' in data) r.retcode = data.retcode as number;
          if ('jid' in data) r.jid = String(data.jid);
          yield { [id]: r };
        }
        if (pending.size === 0) break;
        const now = Date.now();
        if (now > timeoutAt && minionsRunning) {
          const missing = [...pending];
          minionsRunning = false;
          findJid = await this.startFindJob(jid, missing, opts.gatherJobTimeout, findQueue, () => waker.wake?.());
          timeoutAt = Date.now() + opts.gatherJobTimeout * 1000;
        }
        while (findQueue.length) {
          const raw = findQueue.shift()!;
          const data = isMap(raw.data) ? raw.data : {};
          if (!raw.tag.startsWith(`salt/job/${findJid}/ret/`) || !('return' in data)) continue;
          const r = data.return;
          if (typeof data.retcode === 'number' && data.retcode > 0) {
            expected.delete(String(data.id));
            pending.delete(String(data.id));
            continue;
          }
          if (!isMap(r) || Object.keys(r).length === 0) continue;
          expect(String(data.id));
          minionTimeouts.set(String(data.id), Date.now() + timeoutMs);
          minionsRunning = true;
        }
        const t = Date.now();
        let done = t > timeoutAt && !minionsRunning;
        if (done) {
          for (const id of pending) if (t < (minionTimeouts.get(id) ?? 0)) done = false;
        }
        if (done) break;
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, 50);
          waker.wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
        waker.wake = null;
      }
    } finally {
      await jobSub.return?.(undefined);
    }
    if (opts.expectMinions) {
      let connected: Set<string> | null = null;
      for (const m of pending) {
        // Salt tells "[Not connected]" apart when the master host sees other minions connected on
        // the publish port but not this one (and it has cached data, i.e. it was known).
        connected ??= await this.connectedIds();
        const notConnected = connected.size > 0 && !connected.has(m) && this.hasCachedData(m);
        const ret = notConnected ? 'Minion did not return. [Not connected]' : NO_RESPONSE(jid);
        yield { [m]: { ret, out: 'no_return', retcode: 1, failed: true } };
      }
    }
  }

  private async connectedIds(): Promise<Set<string>> {
    if (this.opts.minion_data_cache === false) return new Set();
    try {
      const { connectedMinionIds } = await import('../reactor/presence.js');
      return new Set(connectedMinionIds(this.opts));
    } catch {
      return new Set();
    }
  }

  private hasCachedData(id: string): boolean {
    return existsSync(join(String(this.opts.cachedir), 'minions', id, 'data.p'));
  }

  /** Publishes `saltutil.find_job` to the missing minions and feeds its returns into `sink`. */
  private async startFindJob(jid: string, missing: string[], gatherJobTimeout: number, sink: Array<{ tag: string; data: Load }>, notify: () => void): Promise<string | null> {
    if (missing.length === 0) return null;
    const ev = await this.listen();
    let pub: PubData;
    try {
      pub = await this.pub({ tgt: missing, fun: 'saltutil.find_job', arg: [jid], tgtType: 'list', timeout: gatherJobTimeout });
    } catch {
      return null;
    }
    if (!pub.jid) return null;
    const sub = ev.subscribe(`salt/job/${pub.jid}`);
    this.releaseHold(pub.jid);
    void (async () => {
      const stopAt = Date.now() + gatherJobTimeout * 1000 + 1000;
      for await (const e of sub) {
        sink.push(e as never);
        notify();
        if (Date.now() > stopAt) break;
      }
    })().catch(() => undefined);
    setTimeout(() => void sub.return?.(undefined), gatherJobTimeout * 1000 + 1000).unref();
    return pub.jid;
  }

  async close(): Promise<void> {
    this.held.clear();
    this.req?.close();
    this.req = null;
    await this.event?.close();
    this.event = null;
  }
}

export { sleep };
