/** The built-in returners by name, and the per-process set of them (Salt's `mminion.returners`). */
import type { LocalJobCache } from '../jobs/local_cache.js';
import { ReturnerFunctionError, ReturnerNotFoundError } from './errors.js';
import { LocalCacheReturner } from './local_cache.js';
import { createPgjsonbReturner } from './pgjsonb.js';
import { createRawfileJsonReturner } from './rawfile_json.js';
import { createRedisReturner } from './redis_return.js';
import { createSyslogReturner } from './syslog_return.js';
import type { Returner, ReturnerContext, ReturnerFactory, ReturnerFunction } from './types.js';

const FACTORIES: Record<string, ReturnerFactory> = {
  local_cache: (ctx) => new LocalCacheReturner(ctx),
  pgjsonb: createPgjsonbReturner,
  redis: createRedisReturner,
  rawfile_json: createRawfileJsonReturner,
  syslog: createSyslogReturner,
};

/** The names of the built-in returners, sorted. */
export function returnerNames(): string[] {
  return Object.keys(FACTORIES).sort();
}

/**
 * A new returner of that name for a daemon's options.
 * @throws ReturnerNotFoundError for an unknown name.
 */
export function createReturner(name: string, ctx: ReturnerContext): Returner {
  const factory = Object.hasOwn(FACTORIES, name) ? FACTORIES[name] : undefined;
  if (!factory) {
    throw new ReturnerNotFoundError(`Returner '${name}' is not available: expected one of ${returnerNames().join(', ')}`);
  }
  return factory(ctx);
}

/** Options of {@link ReturnerSet}. */
export interface ReturnerSetOptions {
  /** The process's local job cache, shared by the `local_cache` returner (default: a new one). */
  localCache?: LocalJobCache;
}

/**
 * The returners of one process, made on first use and kept (connections are pooled per
 * returner). Close it when the process is done with them.
 */
export class ReturnerSet {
  private readonly made = new Map<string, Returner>();

  constructor(
    readonly ctx: ReturnerContext,
    private readonly options: ReturnerSetOptions = {},
  ) {}

  /** The returner of that name. @throws ReturnerNotFoundError for an unknown name. */
  get(name: string): Returner {
    let r = this.made.get(name);
    if (!r) {
      r = name === 'local_cache' && this.options.localCache ? new LocalCacheReturner(this.ctx, this.options.localCache) : createReturner(name, this.ctx);
      this.made.set(name, r);
    }
    return r;
  }

  /** Whether `<name>.<fn>` exists (Salt's `fstr in mminion.returners`); false for unknown names. */
  has(name: string, fn: ReturnerFunction): boolean {
    if (!Object.hasOwn(FACTORIES, name)) return false;
    return typeof this.get(name)[fn] === 'function';
  }

  /**
   * The function `<name>.<fn>`, bound to its returner.
   * @throws ReturnerNotFoundError for an unknown returner; ReturnerFunctionError when it lacks `fn`.
   */
  fn<F extends ReturnerFunction>(name: string, fn: F): NonNullable<Returner[F]> {
    const r = this.get(name);
    const f = r[fn];
    if (typeof f !== 'function') throw new ReturnerFunctionError(`Returner '${name}' does not support function ${fn}`);
    return (f as (...a: unknown[]) => unknown).bind(r) as NonNullable<Returner[F]>;
  }

  /** Closes every returner made so far (connection pools, sockets). */
  async close(): Promise<void> {
    const all = [...this.made.values()];
    this.made.clear();
    await Promise.all(all.map((r) => r.close?.().catch(() => undefined)));
  }
}
