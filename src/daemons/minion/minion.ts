/**
 * The salt-minion daemon: authenticates to the master, listens for publishes on 4505, decides
 * whether each job targets it, runs it concurrently and sends the return on 4506.
 */
import { isMap, asBuffer } from '../../protocol/values.js';
import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { Crypticle } from '../../protocol/crypticle.js';
import { decodeWire } from '../../protocol/payload.js';
import { oaepDecrypt, verify } from '../../protocol/rsa.js';
import { ReqClient, SubClient, tcpUri } from '../../transport/zeromq.js';
import { BROADCAST_TOPIC, minionTopic } from '../../protocol/pub_topics.js';
import { minionMatches } from '../../targeting/index.js';
import { Loader, runFunction } from '../../loader/index.js';
import { loadGrains } from '../../grains/index.js';
import { executionModuleDirs, registerRefreshHandlers } from '../../loader/extmods.js';
import type { Logger } from '../../log/logger.js';
import { AuthRefusedError, loadOrCreateMinionKeys, signIn, type Credentials, type MinionKeys } from './auth.js';
import { RequestChannel } from './request_channel.js';
import { PublishReceiver } from './publish_receiver.js';
import { registerMasterFileClient } from '../../fileserver/index.js';
import { registerPillarFetcher } from '../../pillar/fetcher.js';
import { MinionJobRegistry } from './job_registry.js';
import { ReturnerSet, runMinionReturners } from '../../returners/index.js';
import type { MinionServices } from '../../loader/types.js';
import { Scheduler } from '../../schedule/index.js';
import { Beacons } from '../../beacons/index.js';
import { mineIntervalJob } from '../../mine/index.js';

type Opts = Record<string, unknown>;
type Load = Record<string, unknown>;



const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Python's time.asctime(): `Thu Nov  6 01:39:17 2026`. */
function asctime(d = new Date()): string {
  const days = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
  const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  const p2 = (n: number): string => String(n).padStart(2, '0');
  return `${days[d.getDay()]} ${months[d.getMonth()]} ${String(d.getDate()).padStart(2, ' ')} ${p2(d.getHours())}:${p2(d.getMinutes())}:${p2(d.getSeconds())} ${d.getFullYear()}`;
}

/**
 * Request sockets are closed as soon as they are idle, as Salt's minion opens a request channel
 * per return: a master then holds one connection per idle minion (4505), not two, which is what
 * lets 10,000 minions fit in its open-files limit. (Keeping them open 10 s made a few minions of
 * a 1,000-minion auth storm wait for their pillar until timeouts; not understood yet.)
 */
const REQUEST_IDLE_CLOSE_MS = 0;

/** Extra, non-config settings of a {@link Minion}. */
export interface MinionOptions {
  /**
   * Use these grains instead of collecting them (the minion swarm benchmark gives each of its
   * thousands of minions a small fixed map). `id` is always set from the config.
   */
  grains?: Load;
}

/** What one minion counted since it started (for monitoring and the swarm benchmark). */
export interface MinionStats {
  /** Publishes that targeted this minion and were run. */
  jobsRun: number;
  /** Returns the master acknowledged. */
  returnsSent: number;
  /** Returns given up after `return_retry_tries`: lost, and logged as errors. */
  returnsFailed: number;
  /** Publishes dropped by the receiver, by reason (stale serial, duplicate jid ...). */
  publishDrops: Record<string, number>;
}

export class Minion {
  private readonly id: string;
  private keys!: MinionKeys;
  private creds!: Credentials;
  private authClient!: ReqClient;
  private channel!: RequestChannel;
  private sub!: SubClient;
  private reauthing: Promise<Credentials> | null = null;
  private grains: Load = {};
  private pillar: Load = {};
  private loader!: Loader;
  private readonly jobs = new MinionJobRegistry();
  private masterHost = '';
  private stopped = false;
  private receiver: PublishReceiver | null = null;
  private readonly counters = { jobsRun: 0, returnsSent: 0, returnsFailed: 0 };
  private readonly services: MinionServices = {};
  private scheduler?: Scheduler;
  private beacons?: Beacons;

  constructor(
    private readonly opts: Opts,
    private readonly log: Logger,
    private readonly options: MinionOptions = {},
  ) {
    this.id = String(opts.id);
  }

  /** Counters since start: jobs run, returns sent and failed, publishes dropped. */
  stats(): MinionStats {
    return { ...this.counters, publishDrops: { ...(this.receiver?.drops ?? {}) } };
  }

  /** Resolves `master` (a host, an IP, or a list whose first entry is used). */
  private async resolveMaster(): Promise<string> {
    const m = Array.isArray(this.opts.master) ? this.opts.master[0] : this.opts.master;
    const host = String(m ?? 'salt');
    if (isIP(host)) return host;
    const { address } = await lookup(host);
    return address;
  }

  private authOptions() {
    return {
      id: this.id,
      pkiDir: String(this.opts.pki_dir),
      encAlgo: String(this.opts.encryption_algorithm ?? 'OAEP-SHA1'),
      sigAlgo: String(this.opts.signing_algorithm ?? 'PKCS1v15-SHA1'),
      masterFinger: typeof this.opts.master_finger === 'string' ? this.opts.master_finger : undefined,
      hashType: String(this.opts.hash_type ?? 'sha256'),
      timeoutMs: Number(this.opts.auth_timeout ?? 5) * 1000,
    };
  }

  /** Signs in, waiting `acceptance_wait_time` between tries while the key is pending. */
  private async authenticate(): Promise<Credentials> {
    let wait = Number(this.opts.acceptance_wait_time ?? 10);
    const waitMax = Number(this.opts.acceptance_wait_time_max ?? 0);
    for (;;) {
      if (this.stopped) throw new Error('minion stopped');
      try {
        return await signIn(this.authClient, this.keys, this.authOptions());
      } catch (err) {
        if (err instanceof AuthRefusedError) {
          if (err.code === 'EREJECTED' && !this.opts.rejected_retry) {
            this.log.error(err.message);
            this.log.critical('The Salt Master has rejected this minion\'s public key. To repair this issue, delete the public key for this minion on the Salt Master. The Salt Minion will attempt to re-authenicate.');
          } else if (err.code === 'EPENDING') {
            this.log.info(`Waiting ${wait} seconds before retry: the master has not accepted this minion's key yet`);
          } else if (err.code === 'EFINGER' || err.code === 'EMASTERKEY' || err.code === 'EALGO') {
            this.log.critical(err.message);
            throw err;
          } else {
            this.log.error(err.message);
          }
        } else {
          this.log.warn(`Master ${this.masterHost}:${this.opts.master_port} did not answer the authentication request: ${(err as Error).message}`);
        }
      }
      await sleep(wait * 1000);
      if (waitMax > 0) wait = Math.min(wait * 2, waitMax);
    }
  }

  /** Re-authenticates once even if many callers ask at the same time. */
  private reauth(): Promise<Credentials> {
    if (!this.reauthing) {
      this.reauthing = this.authenticate()
        .then((creds) => {
          this.applyCredentials(creds);
          return creds;
        })
        .finally(() => {
          this.reauthing = null;
        });
    }
    return this.reauthing;
  }

  private applyCredentials(creds: Credentials): void {
    this.creds = creds;
    this.channel?.updateCredentials(creds);
  }

  async start(): Promise<void> {
    this.keys = await loadOrCreateMinionKeys(String(this.opts.pki_dir), Number(this.opts.keysize ?? 2048));
    this.masterHost = await this.resolveMaster();
    const port = Number(this.opts.master_port ?? 4506);
    const reqUri = tcpUri(this.masterHost, port);
    this.authClient = new ReqClient(reqUri, { idleCloseMs: REQUEST_IDLE_CLOSE_MS });
    this.grains = this.options.grains
      ? { ...this.options.grains, id: this.id }
      : await loadGrains(this.opts, { log: this.log.child('salt.loader.grains') } as never);
    this.applyCredentials(await this.authenticate());
    this.channel = new RequestChannel(reqUri, this.creds, this.keys, {
      id: this.id,
      encAlgo: String(this.opts.encryption_algorithm ?? 'OAEP-SHA1'),
      sigAlgo: String(this.opts.signing_algorithm ?? 'PKCS1v15-SHA1'),
      reauth: () => this.reauth(),
      idleCloseMs: REQUEST_IDLE_CLOSE_MS,
    });
    const pubPort = Number(this.opts.publish_port && this.opts.publish_port !== 4506 ? this.opts.publish_port : this.creds.publishPort);
    this.sub = new SubClient(tcpUri(this.masterHost, pubPort), {
      reconDefault: Number(this.opts.recon_default ?? 1000),
      reconMax: Number(this.opts.recon_max ?? 10000),
      reconRandomize: this.opts.recon_randomize !== false,
      identity: this.id,
      // zmq_filtering: only publishes for everyone or for this minion reach it (Salt's topics).
      topics: this.opts.zmq_filtering === true ? [BROADCAST_TOPIC, minionTopic(this.id)] : undefined,
    });
    this.sub.connect();
    // `_file_recv` (cp.push) must carry the minion token, as a real minion's does.
    registerMasterFileClient((load) => this.channel.send(load.cmd === '_file_recv' ? { ...load, tok: this.keys.tok } : load, this.requestTimeouts()));
    registerPillarFetcher((_opts, r) => this.requestPillar(r));
    void this.readPublishes();
    this.pillar = await this.requestPillar();
    this.loader = new Loader({
      opts: this.opts,
      grains: this.grains,
      pillar: this.pillar,
      jobs: this.jobs,
      log: this.log.child('salt.loader'),
      fireMaster: (tag, data) => this.fireMaster(tag, data),
      moduleDirs: executionModuleDirs(this.opts),
      minion: this.services,
    });
    this.startSchedulerAndBeacons();
    registerRefreshHandlers({
      modules: async () => {
        this.grains = await loadGrains(this.opts, { forceRefresh: true, log: this.log.child('salt.loader.grains') } as never);
        this.loader.reload({ grains: this.grains });
      },
      pillar: async () => {
        this.pillar = await this.requestPillar();
        this.loader.reload({ pillar: this.pillar });
      },
    });
    await this.fireStartEvents();
    this.log.info(`Minion ${this.id} is connected to the master at ${this.masterHost}`);
  }

  /** The scheduler (config/pillar `schedule`, `__mine_interval`) and the beacons, both ticking every second. */
  private startSchedulerAndBeacons(): void {
    this.services.request = (load) => this.channel.send({ ...load, tok: this.keys.tok }, this.requestTimeouts());
    this.scheduler = new Scheduler({
      opts: this.opts,
      pillar: () => this.pillar,
      grains: () => this.grains,
      log: this.log.child('salt.utils.schedule'),
      run: async (fun, args, kwargs, info) => {
        const published = Object.keys(kwargs).length ? [...args, { ...kwargs, __kwarg__: true }] : args;
        const r = await runFunction(this.loader, fun, published, { jid: info.jid, fun, schedule: info.schedule, id: this.id });
        return { return: r.return, retcode: r.retcode, out: r.out };
      },
      sendReturn: (load) => this.channel.send(load, this.requestTimeouts()),
    });
    const mineJob = mineIntervalJob(this.opts);
    if (mineJob) this.scheduler.addJob(mineJob, true);
    else this.scheduler.deleteJob('__mine_interval', true);
    this.services.schedule = this.scheduler;
    this.scheduler.start();
    this.beacons = new Beacons({
      opts: this.opts,
      pillar: () => this.pillar,
      grains: () => this.grains,
      salt: (fun, args = [], kwargs = {}) => this.loader.call(fun, args, kwargs),
      jobs: this.jobs,
      log: this.log.child('salt.beacons'),
      fireBatch: (events) => this.channel.send({ id: this.id, cmd: '_minion_event', pretag: null, tok: this.keys.tok, events }, this.requestTimeouts()),
    });
    this.services.beacons = this.beacons;
    this.beacons.start();
  }

  private requestTimeouts() {
    return { timeoutMs: Number(this.opts.request_channel_timeout ?? 60) * 1000, tries: Number(this.opts.request_channel_tries ?? 3) };
  }

  /** `_pillar` with Salt's `send_private` reply: decrypt the one-time key, verify the master's signature. */
  private async requestPillar(req?: { saltenv: string | null; pillarenv: string | null; pillarOverride: Load }): Promise<Load> {
    const load: Load = {
      cmd: '_pillar',
      id: this.id,
      grains: this.grains,
      saltenv: req ? req.saltenv : (this.opts.saltenv ?? null),
      pillarenv: req ? req.pillarenv : (this.opts.pillarenv ?? null),
      pillar_override: req?.pillarOverride ?? {},
      extra_minion_data: {},
      ver: '2',
    };
    try {
      const { value, nonce } = await this.channel.sendDetailed(load, this.requestTimeouts());
      if (!isMap(value)) throw new Error('pillar reply is not a map');
      if (typeof value.error === 'string') throw new Error(value.error);
      const encKey = asBuffer(value.key);
      const blob = asBuffer(value.pillar);
      if (!encKey || !blob) throw new Error('pillar reply lacks key or pillar');
      const oneTime = oaepDecrypt(this.keys.privateKey, encKey, String(this.opts.encryption_algorithm ?? 'OAEP-SHA1')).toString('ascii');
      const inner = new Crypticle(oneTime).loads(blob);
      if (!isMap(inner)) throw new Error('pillar payload is not a map');
      const data = asBuffer(inner.data);
      const sig = asBuffer(inner.sig);
      if (!data || !sig || !verify(this.creds.masterPub, data, sig, String(this.opts.signing_algorithm ?? 'PKCS1v15-SHA1'))) {
        throw new Error('the pillar signature does not verify with the master key');
      }
      const d = decodeWire(data);
      if (!isMap(d) || !asBuffer(d.key)?.equals(encKey) || d.nonce !== nonce) throw new Error('the pillar key or nonce does not match the request');
      return isMap(d.pillar) ? d.pillar : {};
    } catch (err) {
      this.log.error(`Could not get pillar from the master: ${(err as Error).message}`);
      return {};
    }
  }

  /** Fires an event on the master bus through `_minion_event`. */
  async fireMaster(tag: string, data: unknown): Promise<void> {
    // Salt's field order: id, cmd, pretag, tok, data, tag.
    await this.channel.send({ id: this.id, cmd: '_minion_event', pretag: null, tok: this.keys.tok, data, tag }, this.requestTimeouts());
  }

  private async fireStartEvents(): Promise<void> {
    const msg = `Minion ${this.id} started at ${asctime()}`;
    try {
      if (this.opts.enable_legacy_startup_events !== false) await this.fireMaster('minion_start', msg);
      await this.fireMaster(`salt/minion/${this.id}/start`, msg);
    } catch (err) {
      this.log.warn(`Could not fire the start events: ${(err as Error).message}`);
    }
  }

  private async readPublishes(): Promise<void> {
    const receiver = (this.receiver = new PublishReceiver({
      id: this.id,
      requireSignature: this.opts.sign_pub_messages === true,
      jidQueueHwm: Number(this.opts.minion_jid_queue_hwm ?? 100),
      credentials: () => this.creds,
      reauth: () => this.reauth(),
    }));
    for await (const frames of this.sub.messages()) {
      if (this.stopped) return;
      try {
        const data = await receiver.receive(frames);
        if (data && this.targeted(data)) void this.runJob(data);
      } catch (err) {
        this.log.warn(`Dropped a publish: ${(err as Error).message}`);
      }
    }
  }

  /** The minion-side target check (salt-wire 6.5); a bad expression means "not targeted". */
  private targeted(data: Load): boolean {
    try {
      return minionMatches(data as never, { id: this.id, grains: this.grains, pillar: this.pillar, nodegroups: (this.opts.nodegroups as never) ?? {} });
    } catch {
      return false;
    }
  }

  /** Runs one job concurrently with the others and sends its return. */
  private async runJob(data: Load): Promise<void> {
    this.counters.jobsRun++;
    const jid = String(data.jid);
    const arg = Array.isArray(data.arg) ? data.arg : [];
    const signal = this.jobs.add({
      jid,
      fun: data.fun,
      arg,
      tgt: data.tgt,
      tgt_type: String(data.tgt_type ?? 'glob'),
      user: String(data.user ?? 'root'),
      pid: process.pid,
      ret: String(data.ret ?? ''),
    });
    const ret: Load = { cmd: '_return', id: this.id };
    try {
      if (Array.isArray(data.fun)) {
        const returns: Load = {};
        const retcodes: Load = {};
        const successes: Load = {};
        for (let i = 0; i < data.fun.length; i++) {
          const fun = String(data.fun[i]);
          const r = await runFunction(this.loader, fun, Array.isArray(arg[i]) ? (arg[i] as unknown[]) : [], data, { signal });
          returns[fun] = r.return;
          retcodes[fun] = r.retcode;
          successes[fun] = r.success;
        }
        Object.assign(ret, { success: successes, return: returns, retcode: retcodes });
      } else {
        const r = await runFunction(this.loader, String(data.fun), arg, data, { signal });
        Object.assign(ret, { success: r.success, return: r.return, retcode: r.retcode });
        if (r.out) ret.out = r.out;
      }
    } catch (err) {
      Object.assign(ret, { success: false, return: `The minion function caused an exception: ${(err as Error).stack ?? err}`, retcode: 1, out: 'nested' });
    } finally {
      this.jobs.remove(jid);
    }
    Object.assign(ret, { jid, fun: data.fun, fun_args: arg });
    if (data.user !== undefined) ret.user = data.user;
    if (data.master_id !== undefined) ret.master_id = data.master_id;
    if (isMap(data.metadata)) ret.metadata = data.metadata;
    const timer = Number(this.opts.return_retry_timer ?? 5);
    const timerMax = Number(this.opts.return_retry_timer_max ?? 10);
    const timeoutMs = (timer + Math.random() * Math.max(0, timerMax - timer)) * 1000;
    try {
      await this.channel.send(ret, { timeoutMs, tries: Number(this.opts.return_retry_tries ?? 3) });
      this.counters.returnsSent++;
    } catch (err) {
      this.counters.returnsFailed++;
      this.log.error(`The return of job ${jid} could not be sent to the master: ${(err as Error).message}`);
    }
    this.returners ??= new ReturnerSet({ opts: this.opts, log: this.log.child('salt.returners') });
    await runMinionReturners(this.returners, data, ret, this.log);
  }

  private returners: ReturnerSet | undefined;

  async stop(): Promise<void> {
    this.stopped = true;
    this.scheduler?.stop();
    this.beacons?.stop();
    for (const job of this.jobs.list()) this.jobs.kill(job.jid);
    this.sub?.close();
    this.channel?.close();
    this.authClient?.close();
    await this.returners?.close();
  }
}
