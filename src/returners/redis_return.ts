/**
 * The `redis` returner (Salt's `redis_return`): returns and job loads in Redis, with Salt's key
 * layout so Salt and salt-ts share one server:
 *
 * ```
 * ret:<jid>        hash   minion id → JSON of its return   (expires after keep_jobs_seconds)
 * load:<jid>       string JSON of the job load             (expires after keep_jobs_seconds)
 * <minion>:<fun>   string the jid of the minion's latest run of fun
 * minions          set    every minion that returned
 * ```
 * Options: `redis.host`, `redis.port` (6379), `redis.db` (0), `redis.unix_socket_path`,
 * `redis.cluster_mode`, `redis.cluster.startup_nodes`, `redis.cluster.skip_full_coverage_check`
 * (nested `redis: {...}`, `--return_config` and `--return_kwargs` work as for every returner).
 *
 * Differences from Salt 3006, on purpose:
 * - `keep_jobs_seconds: 0` keeps jobs forever (Salt's EXPIRE 0 would delete them at once).
 * - `get_fun` reads the return from `ret:<jid>` (Salt reads a `<minion>:<jid>` key nothing writes).
 * - an unset `redis.host` means localhost, where Salt's client ends up too.
 */
import type { Cluster, Redis } from 'ioredis';
import { pyRepr } from '../output/python.js';
import { formatJidInstance, genJid } from '../protocol/jid.js';
import { saltJsonDumps, saltJsonLoads } from './_json.js';
import { ReturnerConnectionError, ReturnerStoreError } from './errors.js';
import { getReturnerOptions, keepJobsSeconds } from './options.js';
import type { Dict, Returner, ReturnerContext } from './types.js';

type RedisClient = Redis | Cluster;

const ATTRS: Record<string, string> = {
  host: 'host',
  port: 'port',
  unix_socket_path: 'unix_socket_path',
  db: 'db',
  cluster_mode: 'cluster_mode',
  startup_nodes: 'cluster.startup_nodes',
  skip_full_coverage_check: 'cluster.skip_full_coverage_check',
};
const DEFAULTS: Dict = { host: 'localhost', port: 6379, db: 0 };
const CONNECTION_ERRORS = /ECONNREFUSED|ENOTFOUND|EAI_AGAIN|ETIMEDOUT|ECONNRESET|Connection is closed|connect|Stream isn't writeable/i;

/** The connection options of the redis returner for one return (or none). */
export function redisOptions(ctx: ReturnerContext, ret?: Dict | null): Dict {
  return getReturnerOptions(ctx, 'redis', ret, ATTRS, DEFAULTS);
}

function loadsOrNull(text: string | null | undefined): unknown {
  if (!text) return null;
  return saltJsonLoads(text);
}

/** The `redis` returner. */
export class RedisReturner implements Returner {
  readonly name = 'redis';
  private client: Promise<RedisClient> | undefined;

  constructor(private readonly ctx: ReturnerContext) {}

  /** Salt keeps one client per process, made with the options of the first call. */
  private async serv(ret?: Dict | null): Promise<RedisClient> {
    const current = this.client ? await this.client : undefined;
    if (current && current.status !== 'end') return current;
    const o = redisOptions(this.ctx, ret);
    this.client = import('ioredis').then((mod) => {
      const common = {
        lazyConnect: true,
        maxRetriesPerRequest: 1,
        connectTimeout: 5000,
        retryStrategy: (times: number) => (times > 3 ? null : times * 200),
      };
      if (o.cluster_mode) {
        const nodes = Array.isArray(o.startup_nodes) ? (o.startup_nodes as Array<{ host: string; port: number }>) : [];
        return new mod.Cluster(nodes, { redisOptions: common, clusterRetryStrategy: common.retryStrategy });
      }
      return new mod.Redis({
        ...common,
        ...(typeof o.unix_socket_path === 'string' ? { path: o.unix_socket_path } : { host: String(o.host), port: Number(o.port) }),
        db: Number(o.db ?? 0),
      });
    });
    const client = await this.client;
    client.on('error', (err: Error) => this.ctx.log?.debug(`redis returner: ${err.message}`));
    return client;
  }

  /** Runs `work`, naming connection failures as such. */
  private async run<T>(ret: Dict | null | undefined, work: (c: RedisClient) => Promise<T>): Promise<T> {
    const client = await this.serv(ret);
    try {
      if (client.status === 'wait') await client.connect();
      return await work(client);
    } catch (err) {
      const msg = (err as Error).message;
      if (CONNECTION_ERRORS.test(msg)) throw new ReturnerConnectionError(`redis returner could not reach the server: ${msg}`, { cause: err });
      throw new ReturnerStoreError(`redis returner: ${msg}`, { cause: err });
    }
  }

  private ttl(): number {
    return keepJobsSeconds(this.ctx.opts);
  }

  async returner(ret: Dict): Promise<void> {
    const minion = String(ret.id);
    const jid = String(ret.jid);
    const fun = typeof ret.fun === 'string' ? ret.fun : pyRepr(ret.fun);
    const ttl = this.ttl();
    await this.run(ret, async (c) => {
      const p = c.pipeline();
      p.hset(`ret:${jid}`, minion, saltJsonDumps(ret));
      if (ttl > 0) p.expire(`ret:${jid}`, ttl);
      p.set(`${minion}:${fun}`, jid);
      p.sadd('minions', minion);
      const results = (await p.exec()) ?? [];
      const failed = results.find(([err]) => err);
      if (failed) throw failed[0];
    });
  }

  async save_load(jid: string, load: Dict, _minions?: string[] | null): Promise<void> {
    const ttl = this.ttl();
    await this.run(null, (c) => (ttl > 0 ? c.setex(`load:${jid}`, ttl, saltJsonDumps(load)) : c.set(`load:${jid}`, saltJsonDumps(load))));
  }

  /** Included for API consistency (Salt's redis returner does not keep minion lists). */
  async save_minions(): Promise<void> {}

  async get_load(jid: string): Promise<Dict> {
    const data = await this.run(null, (c) => c.get(`load:${jid}`));
    return (loadsOrNull(data) as Dict | null) ?? {};
  }

  async get_jid(jid: string): Promise<Record<string, Dict>> {
    const all = await this.run(null, (c) => c.hgetall(`ret:${jid}`));
    const out: Record<string, Dict> = {};
    for (const minion of Object.keys(all).sort()) {
      const value = loadsOrNull(all[minion]);
      if (value !== null) out[minion] = value as Dict;
    }
    return out;
  }

  async get_fun(fun: string): Promise<Record<string, Dict>> {
    return this.run(null, async (c) => {
      const out: Record<string, Dict> = {};
      for (const minion of (await c.smembers('minions')).sort()) {
        const jid = await c.get(`${minion}:${fun}`);
        if (!jid) continue;
        const value = loadsOrNull(await c.hget(`ret:${jid}`, minion));
        if (value !== null) out[minion] = value as Dict;
      }
      return out;
    });
  }

  async get_jids(): Promise<Record<string, Dict>> {
    return this.run(null, async (c) => {
      const keys = (await c.keys('load:*')).sort();
      const out: Record<string, Dict> = {};
      if (keys.length === 0) return out;
      for (const text of await c.mget(...keys)) {
        const load = loadsOrNull(text) as Dict | null;
        if (!load) continue;
        const jid = String(load.jid);
        out[jid] = formatJidInstance(jid, load);
      }
      return out;
    });
  }

  async get_minions(): Promise<string[]> {
    return (await this.run(null, (c) => c.smembers('minions'))).sort();
  }

  async prep_jid(_nocache = false, passedJid?: string | null): Promise<string> {
    return passedJid ?? genJid({ unique: this.ctx.opts.unique_jid === true });
  }

  /**
   * Removes `ret:<jid>` hashes whose `load:<jid>` expired: a late return refreshes the hash's
   * TTL, so Redis alone would keep it longer than the job.
   */
  async clean_old_jobs(): Promise<void> {
    await this.run(null, async (c) => {
      const living = new Set(await c.keys('load:*'));
      const stale = (await c.keys('ret:*')).filter((k) => !living.has(`load:${k.slice(4)}`));
      if (stale.length) {
        await c.del(...stale);
        this.ctx.log?.debug(`clean old jobs: ${stale.join(', ')}`);
      }
    });
  }

  async close(): Promise<void> {
    const pending = this.client;
    this.client = undefined;
    if (!pending) return;
    const client = await pending;
    if (client.status === 'end' || client.status === 'wait') client.disconnect();
    else await client.quit().catch(() => client.disconnect());
  }
}

/** Builds the `redis` returner for a daemon's options. */
export function createRedisReturner(ctx: ReturnerContext): Returner {
  return new RedisReturner(ctx);
}
