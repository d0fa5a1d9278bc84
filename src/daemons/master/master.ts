/**
 * The salt-master daemon: wires the request server (4506), the publisher (4505), the worker pool,
 * the event bus, the job cache and maintenance together. See docs/architecture.md.
 */
import { connectedMinionIds, PresenceTracker, reactorEnabled } from '../../reactor/index.js';
import { isMap } from '../../protocol/values.js';
import { chmod, mkdir, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { existsSync, readdirSync } from 'node:fs';
import { availableParallelism, userInfo } from 'node:os';
import { join } from 'node:path';
import { Crypticle } from '../../protocol/crypticle.js';
import { encodeWire } from '../../protocol/payload.js';
import { unpackBin } from '../../protocol/binpack.js';
import { ensureMasterKeys } from '../../pki/master_keys.js';
import { KeyStore } from '../../pki/keystore.js';
import { LocalJobCache } from '../../jobs/local_cache.js';
import { EventBusServer } from '../../events/index.js';
import { checkMinions } from '../../targeting/index.js';
import { PubServer, ReqServer, type IncomingRequest } from '../../transport/zeromq.js';
import type { Logger } from '../../log/logger.js';
import type { MasterAction, PublishRequest } from './messages.js';
import { checkMaxOpenFiles, raiseOpenFilesLimit, type OpenFilesLimit } from './open_files.js';
import { WorkerPool } from './worker_pool.js';
import { publishTopics } from './publish_topics.js';
import { EventReturnQueue, MasterJobStore } from '../../returners/index.js';

type Opts = Record<string, unknown>;
type Load = Record<string, unknown>;


/** Publish-load fields copied from the client request's kwargs when present (salt-wire 6.1). */
const FORWARDED_KWARGS = ['master_id', 'id', 'ret_config', 'metadata', 'module_executors', 'executor_opts', 'ret_kwargs'];

/**
 * Messages the master could not deliver, counted since start. libzmq drops these silently; the
 * master counts them, logs a warning and fires {@link STATS_TAG} whenever one of them grows.
 */
export interface DeliveryStats {
  /** Publishes dropped for at least one minion whose queue was at `pub_hwm`. */
  pub_hwm_drops: number;
  /** Replies on 4506 whose requester had gone (it timed out and closed its socket). */
  reply_undeliverable: number;
  /** Messages refused because a socket's send queue was full. */
  send_queue_full: number;
  /** Event bus frames dropped for subscribers that did not read. */
  event_bus_drops: number;
  /**
   * Checks (every 2 s) that found the master at 90 % or more of its open-files limit: minions
   * then wait to connect, as libzmq cannot accept their connections.
   */
  open_files_near_limit: number;
}

/** Tag of the delivery-stats event: `salt/master/<master id>/stats`. */
export const STATS_TAG = (masterId: string): string => `salt/master/${masterId}/stats`;

export class Master {
  private readonly log: Logger;
  private pool!: WorkerPool;
  private pub!: PubServer;
  private req!: ReqServer;
  private bus!: EventBusServer;
  private jobs!: LocalJobCache;
  private store!: MasterJobStore;
  private eventReturns!: EventReturnQueue;
  private keys!: KeyStore;
  private aesKey = Crypticle.generateKeyString();
  private serial = 0;
  private publishChain: Promise<unknown> = Promise.resolve();
  private readonly minionData = new Map<string, { grains?: Load; pillar?: Load }>();
  private timers: NodeJS.Timeout[] = [];
  private reactor: { stop(): Promise<void> } | null = null;
  private lastKeysMtime = 0;
  private stopped = false;
  private lastDelivery = '';

  constructor(private readonly opts: Opts, log: Logger) {
    this.log = log;
  }

  private path(key: string): string {
    return String(this.opts[key]);
  }

  /** Creates directories and keys, binds the sockets and starts serving. */
  async start(): Promise<void> {
    const pkiDir = this.path('pki_dir');
    const cachedir = this.path('cachedir');
    const sockDir = this.path('sock_dir');
    for (const dir of [pkiDir, join(pkiDir, 'minions'), join(pkiDir, 'minions_pre'), join(pkiDir, 'minions_rejected'), join(pkiDir, 'minions_denied'), join(pkiDir, 'minions_autosign')]) {
      await mkdir(dir, { recursive: true, mode: 0o700 });
    }
    await mkdir(join(cachedir, 'jobs'), { recursive: true });
    await mkdir(sockDir, { recursive: true, mode: 0o750 });
    const { privatePem, publicPem } = await ensureMasterKeys(pkiDir, Number(this.opts.keysize ?? 2048));
    const accessKeys = await this.writeAccessKeys(cachedir);

    this.keys = new KeyStore({ pkiDir, cachedir, hashType: String(this.opts.hash_type ?? 'sha256') });
    this.fdLimit = raiseOpenFilesLimit(this.maxOpenFiles, this.log);
    this.checkOpenFiles();
    this.jobs = new LocalJobCache({
      cachedir,
      hashType: String(this.opts.hash_type ?? 'sha256'),
      keepJobsSeconds: Number(this.opts.keep_jobs_seconds ?? 86400),
      // Atomic (temp file + rename) without fsync, like Salt's local_cache: three fsyncs per
      // publish cost more than the rest of a publish on a busy disk.
      fsync: false,
    });
    await this.loadMinionDataCache(cachedir);

    this.bus = new EventBusServer({ sockDir, role: 'master', maxEventSize: Number(this.opts.max_event_size ?? 1048576), logger: this.log.child('salt.utils.event') } as never);
    await this.bus.start();
    this.store = new MasterJobStore(this.opts, { log: this.log.child('salt.returners'), localCache: this.jobs });
    this.eventReturns = new EventReturnQueue(this.opts, { log: this.log.child('salt.utils.event'), returners: this.store.returners });
    if (this.eventReturns.enabled) this.bus.on((e) => void this.eventReturns.push(e.tag, e.data));

    // Request work is CPU-bound (RSA, AES, msgpack; disk I/O is asynchronous), so threads beyond
    // the cores add memory (a V8 heap each) and context switches, not throughput.
    const wanted = Math.max(1, Number(this.opts.worker_threads ?? 5));
    const workers = Math.min(wanted, Math.max(2, availableParallelism()));
    if (workers < wanted) this.log.info(`Starting ${workers} request workers (worker_threads: ${wanted}, capped at the ${availableParallelism()} cores)`);
    this.pool = new WorkerPool(
      workers,
      {
        opts: this.opts,
        masterPrivatePem: privatePem,
        masterPublicPem: publicPem,
        aesKey: this.aesKey,
        accessKeys,
        sessions: {},
        logLevel: String(this.opts.log_level ?? 'warning'),
      },
      this.log.child('salt.master.worker'),
    );
    await this.pool.start();

    const iface = String(this.opts.interface ?? '0.0.0.0');
    const tcp = { keepalive: this.opts.tcp_keepalive !== false, keepaliveIdle: Number(this.opts.tcp_keepalive_idle ?? 300), ipv6: this.opts.ipv6 === true };
    this.pub = new PubServer({ ...tcp, hwm: Number(this.opts.pub_hwm ?? 1000), backlog: Number(this.opts.zmq_backlog ?? 1000), logger: this.log });
    await this.pub.bind(iface, Number(this.opts.publish_port ?? 4505));
    this.req = new ReqServer({ ...tcp, backlog: Number(this.opts.zmq_backlog ?? 1000), maxMessageSize: Number(this.opts.max_message_size ?? 100 * 1024 * 1024), logger: this.log });
    await this.req.bind(iface, Number(this.opts.ret_port ?? 4506));
    void this.req.serve((r) => this.onRequest(r));
    if (reactorEnabled(this.opts)) {
      const { Reactor } = await import('../../reactor/reactor.js');
      this.reactor = new Reactor(this.opts, { log: this.log.child('salt.utils.reactor'), fire: (t, d) => this.fire(t, d) }).start((l) => this.bus.on(l));
    }

    // The stock `salt` CLI refuses to publish unless this file exists (salt-wire 8.2).
    await writeFile(join(sockDir, 'publish_pull.ipc'), '', { mode: 0o600 });

    this.lastKeysMtime = await this.keysMtime();
    this.timers.push(setInterval(() => void this.watchKeys(), 1000));
    this.timers.push(setInterval(() => this.reportDelivery(), 1000));
    const loop = Math.max(1, Number(this.opts.loop_interval ?? 60)) * 1000;
    this.timers.push(setInterval(() => void this.maintenance(), loop));
    if (this.opts.presence_events) {
      const presence = new PresenceTracker((t, d) => this.fire(t, d));
      this.timers.push(setInterval(() => presence.update(connectedMinionIds(this.opts)), loop));
    }
    for (const t of this.timers) t.unref();
    this.log.info(`salt-master is listening on ${iface}:${this.opts.publish_port} (publish) and ${iface}:${this.opts.ret_port} (requests)`);
  }

  /** Writes a fresh access key for root and for the user running the master (`cachedir/.<user>_key`, 0400). */
  private async writeAccessKeys(cachedir: string): Promise<Record<string, string>> {
    const users = new Set<string>(['root', String(this.opts.user ?? 'root')]);
    try {
      users.add(userInfo().username);
    } catch {
      // no passwd entry: root and the configured user are enough
    }
    const keys: Record<string, string> = {};
    for (const user of users) {
      const key = Crypticle.generateKeyString();
      const path = join(cachedir, `.${user}_key`);
      await rm(path, { force: true });
      await writeFile(path, key, { mode: 0o400 });
      await chmod(path, 0o400);
      keys[user] = key;
    }
    return keys;
  }

  private async loadMinionDataCache(cachedir: string): Promise<void> {
    const dir = join(cachedir, 'minions');
    let ids: string[] = [];
    try {
      ids = await readdir(dir);
    } catch {
      return;
    }
    for (const id of ids) {
      try {
        const data = unpackBin(await readFile(join(dir, id, 'data.p')));
        if (isMap(data)) this.minionData.set(id, { grains: isMap(data.grains) ? data.grains : {}, pillar: isMap(data.pillar) ? data.pillar : {} });
      } catch {
        // a minion without cached data is matched only by id-based targets
      }
    }
  }

  private onRequest(req: IncomingRequest): void {
    this.pool.request(req.body).then(
      async (result) => {
        this.applyActions(result.actions);
        if (result.publish) {
          const reply = await this.publish(result.publish);
          await req.reply(encodeWire(reply));
        } else if (result.reply) {
          await req.reply(result.reply);
        }
      },
      async (err: Error) => {
        this.log.error(`Request failed in a worker: ${err.message}`);
        await req.reply(encodeWire('Some exception handling minion payload'));
      },
    );
  }

  private applyActions(actions: MasterAction[]): void {
    for (const a of actions) {
      switch (a.type) {
        case 'fire':
          this.bus.fireLocal(a.tag, a.data);
          break;
        case 'firePacked':
          this.bus.publishPacked(Buffer.from(a.body.buffer, a.body.byteOffset, a.body.byteLength));
          break;
        case 'session':
          this.pool.broadcast({ type: 'session', id: a.id, key: a.key });
          break;
        case 'minionData':
          this.minionData.set(a.id, { grains: a.grains, pillar: a.pillar });
          break;
        case 'accepted':
          break;
      }
    }
  }

  /** Fires an event on the master bus (used by the master itself and its maintenance). */
  fire(tag: string, data: Load): void {
    this.bus.fireLocal(tag, data);
  }

  /** Completes a client's `publish`: targets, jid, job cache, events, then the 4505 frame. */
  private async publish(req: PublishRequest): Promise<Load> {
    const load = req.load;
    const kwargs = isMap(load.kwargs) ? load.kwargs : {};
    const tgtType = typeof load.tgt_type === 'string' ? load.tgt_type : 'glob';
    const delimiter = typeof kwargs.delimiter === 'string' ? kwargs.delimiter : ':';
    let minions: string[];
    let missing: string[];
    try {
      ({ minions, missing } = checkMinions(load.tgt as string, tgtType, {
        acceptedIds: this.keys.acceptedIds(),
        getMinionData: (id: string) => this.minionData.get(id),
        nodegroups: (this.opts.nodegroups as never) ?? {},
        greedy: true,
        delimiter,
      } as never));
    } catch (err) {
      this.log.warn(`Could not resolve target ${String(load.tgt)}: ${(err as Error).message}`);
      minions = [];
      missing = [];
    }
    if (minions.length === 0 && !this.opts.order_masters) {
      return { enc: 'clear', load: { jid: null, minions: [], error: `Master could not resolve minions for target ${String(load.tgt)}` } };
    }
    let jid: string;
    try {
      jid = await this.store.prepJid(kwargs.nocache === true, typeof load.jid === 'string' && load.jid ? load.jid : null);
    } catch (err) {
      this.log.error(`Could not assign a jid: ${(err as Error).message}`);
      return { enc: 'clear', load: { error: 'Master failed to assign jid' } };
    }
    const user = req.user;
    const clearLoad: Load = { ...load, jid, user };
    delete clearLoad.key;
    await this.store.savePublishLoad(jid, clearLoad, minions);
    this.fire(jid, { minions });
    this.fire(`salt/job/${jid}/new`, { jid, tgt_type: tgtType, tgt: load.tgt, user, fun: load.fun, arg: load.arg ?? [], minions, missing });

    const pubLoad: Load = { fun: load.fun, arg: load.arg ?? [], tgt: load.tgt, jid, ret: this.store.publishRet(load.ret), tgt_type: tgtType, user };
    if (delimiter !== ':') pubLoad.delimiter = delimiter;
    if (this.opts.master_id) pubLoad.master_id = this.opts.master_id;
    for (const k of FORWARDED_KWARGS) if (kwargs[k] !== undefined) pubLoad[k] = kwargs[k];
    if (load.to !== undefined) pubLoad.to = load.to;
    await this.sendPublish(pubLoad, publishTopics(this.opts, load.tgt, tgtType, minions));
    return { enc: 'clear', load: { jid, minions, missing } };
  }

  /**
   * Encrypts, signs and sends a publish; serials must reach the wire in order, so sends are chained.
   * @param topics `zmq_filtering` topics (see publishTopics); none: one frame to every minion.
   */
  sendPublish(load: Load, topics?: readonly string[]): Promise<void> {
    const next = this.publishChain.then(async () => {
      this.serial += 1;
      const frame = await this.pool.wrapPublish({ ...load, serial: this.serial });
      await this.pub.publish(frame, topics);
    });
    this.publishChain = next.catch((err: Error) => this.log.error(`Publish failed: ${err.message}`));
    return next;
  }

  /** Rotates the AES key: the next publish fails to decrypt on minions, which re-authenticate. */
  rotateAesKey(): void {
    this.aesKey = Crypticle.generateKeyString();
    this.publishChain = this.publishChain.then(() => {
      this.serial = 0;
    });
    this.pool.broadcast({ type: 'aes', key: this.aesKey });
    this.log.info('Rotating AES key');
    this.fire('key', { rotate_aes_key: true });
  }

  private async keysMtime(): Promise<number> {
    let m = 0;
    for (const d of ['minions', 'minions_rejected', 'minions_denied']) {
      try {
        m = Math.max(m, (await stat(join(this.path('pki_dir'), d))).mtimeMs);
      } catch {
        // missing dir: nothing to watch
      }
    }
    return m;
  }

  /** Undelivered-message counters since start. */
  deliveryStats(): DeliveryStats {
    return {
      pub_hwm_drops: this.pub?.hwmDrops ?? 0,
      reply_undeliverable: this.req?.undeliverable ?? 0,
      send_queue_full: (this.pub?.queueFull ?? 0) + (this.req?.queueFull ?? 0),
      event_bus_drops: this.bus?.stats.dropped ?? 0,
      open_files_near_limit: this.nearFdLimit,
    };
  }

  private nearFdLimit = 0;
  private fdTicks = 0;
  /** The open-files limit after start-up raised it (null where /proc does not say). */
  private fdLimit: OpenFilesLimit | null = null;

  /**
   * Counts a check (every 2 s) that finds the process's descriptors at 90 % of its soft limit or
   * more. At the limit itself nothing can be counted (listing /proc/self/fd needs a descriptor).
   */
  private checkDescriptors(): void {
    if (++this.fdTicks % 2 !== 0) return;
    const limit = this.fdLimit;
    if (!limit || !Number.isFinite(limit.soft)) return;
    let open: number;
    try {
      open = readdirSync('/proc/self/fd').length;
    } catch {
      return;
    }
    if (open >= 0.9 * limit.soft) {
      this.nearFdLimit++;
      this.log.warn(`The master has ${open} of its ${limit.soft} file descriptors open: minions wait to connect beyond that. Raise the open files limit (max_open_files, ulimit -n).`);
    }
  }

  /** Every second: when a delivery counter grew, log it and fire the stats event. */
  private reportDelivery(): void {
    if (this.stopped) return;
    this.checkDescriptors();
    const stats = this.deliveryStats();
    const key = JSON.stringify(stats);
    if (key === this.lastDelivery) return;
    const first = this.lastDelivery === '';
    this.lastDelivery = key;
    if (first && Object.values(stats).every((n) => n === 0)) return;
    this.log.warn(`Messages not delivered since start: ${Object.entries(stats).map(([k, v]) => `${k}=${v}`).join(', ')}`);
    this.fire(STATS_TAG(String(this.opts.id ?? 'master')), { ...stats });
  }

  /** Every second: key changes by salt-key reach the workers, and a `.dfn` drop file rotates AES. */
  private async watchKeys(): Promise<void> {
    if (this.stopped) return;
    const m = await this.keysMtime();
    if (m !== this.lastKeysMtime) {
      this.lastKeysMtime = m;
      this.pool.broadcast({ type: 'keysChanged' });
    }
    const dfn = join(this.path('cachedir'), '.dfn');
    try {
      const st = await stat(dfn);
      if ((st.mode & 0o777) === 0o400 && this.opts.rotate_aes_key !== false) {
        await rm(dfn, { force: true });
        this.rotateAesKey();
      }
    } catch {
      // no drop file
    }
  }

  private async maintenance(): Promise<void> {
    if (this.stopped) return;
    try {
      await this.store.cleanOldJobs();
    } catch (err) {
      this.log.warn(`Job cache cleanup failed: ${(err as Error).message}`);
    }
    const publishSession = Number(this.opts.publish_session ?? 86400) * 1000;
    if (publishSession > 0 && Date.now() - this.aesBorn > publishSession) this.rotateAesKey();
    this.checkOpenFiles();
  }

  private get maxOpenFiles(): number {
    return Number(this.opts.max_open_files ?? 100000);
  }

  /** Salt's check_max_open_files: warns while there is still time to raise the limit. */
  private checkOpenFiles(): void {
    try {
      checkMaxOpenFiles(this.keys.acceptedIds().length, this.maxOpenFiles, this.log, this.fdLimit);
    } catch (err) {
      this.log.debug(`Could not check the open files limit: ${(err as Error).message}`);
    }
  }

  private readonly aesBorn = Date.now();

  async stop(): Promise<void> {
    await this.eventReturns?.close();
    await this.store?.close();
    this.stopped = true;
    for (const t of this.timers) clearInterval(t);
    this.req?.close();
    this.pub?.close();
    await this.pool?.close();
    await this.reactor?.stop();
    await this.bus?.close();
    if (existsSync(join(this.path('sock_dir'), 'publish_pull.ipc'))) await rm(join(this.path('sock_dir'), 'publish_pull.ipc'), { force: true });
  }
}
