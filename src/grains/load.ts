/**
 * Assembling the grains dict like Salt's `salt.loader.grains()`: the cache when fresh, then the
 * core functions, custom modules and the other built-in modules merged in Salt's order, the
 * blacklist applied to each result, and the minion config's `grains:` mapping winning last.
 */
import { nullLogger, type Logger } from '../log/logger.js';
import { createWhich, runCommand } from './_exec.js';
import { BUILTIN_MODULES } from './builtin_modules.js';
import { readGrainsCache, writeGrainsCache } from './cache.js';
import { coreModule } from './core.js';
import { loadCustomGrainModules } from './custom.js';
import { GrainsConfigError } from './errors.js';
import { applyBlacklist, isGrainsDict, mergeGrains, toGrains } from './merge.js';
import type { GrainContext, GrainModule, Grains } from './types.js';

/** Options of {@link loadGrains}. */
export interface LoadGrainsOptions {
  /** Return `{}` without looking at anything else (like Salt's `skip_grains`, also honoured from opts). */
  skip?: boolean;
  /** Ignore a fresh cache and compute the grains again (Salt's `force_refresh`). */
  forceRefresh?: boolean;
  log?: Logger;
  /** The built-in modules to run, core included (tests pass their own; defaults to Salt's set). */
  builtins?: readonly GrainModule[];
}

type Opts = Readonly<Record<string, unknown>>;

function blacklistOf(opts: Opts): string[] {
  const value = opts.grains_blacklist ?? [];
  if (!Array.isArray(value) || value.some((v) => typeof v !== 'string')) {
    throw new GrainsConfigError('grains_blacklist', 'a list of globs or regular expressions', value);
  }
  return value as string[];
}

function configGrainsOf(opts: Opts): Grains {
  const value = opts.grains;
  if (value === undefined || value === null) return {};
  if (!isGrainsDict(value)) throw new GrainsConfigError('grains', 'a mapping of grain names to values', value);
  return { ...toGrains(value) };
}

/** One load's shared helpers: a `which` cache and memoized computations. */
function contextFactory(opts: Opts, log: Logger): (grains: Grains) => GrainContext {
  const whichCache = new Map<string, Promise<string | null>>();
  const which = createWhich();
  const memos = new Map<string, Promise<unknown>>();
  return (grains) => ({
    opts,
    grains,
    log,
    run: (argv) => runCommand(argv),
    which(exe) {
      let p = whichCache.get(exe);
      if (!p) whichCache.set(exe, (p = which(exe)));
      return p;
    },
    memo<T>(key: string, fn: () => Promise<T>): Promise<T> {
      let p = memos.get(key) as Promise<T> | undefined;
      if (!p) memos.set(key, (p = fn()));
      return p;
    },
  });
}

/** Calls one grain function; an error is logged (critical, as Salt does) and gives undefined. */
async function callGrainFunction(mod: GrainModule, fn: string, ctx: GrainContext): Promise<unknown> {
  try {
    return await mod.functions[fn]!(ctx);
  } catch (err) {
    ctx.log.critical(`Failed to load grains defined in grain file ${mod.name}.${fn} in function ${mod.source ?? mod.name}, error: ${(err as Error)?.stack ?? String(err)}`);
    return undefined;
  }
}

async function moduleLoads(mod: GrainModule, ctx: GrainContext): Promise<boolean> {
  if (!mod.virtual) return true;
  try {
    const verdict = await mod.virtual(ctx);
    return Array.isArray(verdict) ? Boolean(verdict[0]) : Boolean(verdict);
  } catch (err) {
    ctx.log.error(`The __virtual__ of grains module ${mod.source ?? mod.name} failed: ${(err as Error).message}`);
    return false;
  }
}

function functionNames(mod: GrainModule): string[] {
  return Object.keys(mod.functions).sort();
}

/** Merges one function's result into `grains` when it is a dict, after the blacklist. */
function mergeResult(grains: Grains, result: unknown, blacklist: readonly string[], deep: boolean): void {
  if (!isGrainsDict(result)) return;
  const filtered = applyBlacklist({ ...toGrains(result) }, blacklist);
  if (blacklist.length && Object.keys(filtered).length === 0) return;
  mergeGrains(grains, filtered, deep);
}

async function computeGrains(opts: Opts, options: LoadGrainsOptions, log: Logger): Promise<Grains> {
  const blacklist = blacklistOf(opts);
  const configGrains = configGrainsOf(opts);
  const deep = opts.grains_deep_merge === true;
  const makeContext = contextFactory(opts, log);
  const baseCtx = makeContext({});

  const customs = await loadCustomGrainModules(opts, log);
  const customNames = new Set(customs.map((m) => m.name));
  const builtins = (options.builtins ?? [coreModule, ...BUILTIN_MODULES]).filter((m) => !customNames.has(m.name));
  const ordered = [...customs, ...builtins];
  const loads = await Promise.all(ordered.map((m) => moduleLoads(m, baseCtx)));
  const modules = ordered.filter((_, i) => loads[i]);
  const core = modules.filter((m) => m.name === 'core');
  const rest = modules.filter((m) => m.name !== 'core');

  // Built-in functions do not look at the grains merged so far, so they all start at once;
  // custom functions run one after the other and see the grains merged before them.
  const builtinSet = new Set(builtins);
  const started = new Map<GrainModule, Promise<unknown>[]>();
  for (const mod of [...core, ...rest]) {
    if (builtinSet.has(mod)) started.set(mod, functionNames(mod).map((fn) => callGrainFunction(mod, fn, baseCtx)));
  }

  const grains: Grains = {};
  for (const mod of [...core, ...rest]) {
    const pending = started.get(mod);
    if (pending) {
      for (const result of await Promise.all(pending)) mergeResult(grains, result, blacklist, deep);
    } else {
      for (const fn of functionNames(mod)) {
        mergeResult(grains, await callGrainFunction(mod, fn, makeContext({ ...grains })), blacklist, deep);
      }
    }
  }

  Object.assign(grains, configGrains);
  if (opts.grains_cache) await writeGrainsCache(opts, grains, log);
  mergeGrains(grains, configGrains, deep);
  return grains;
}

/**
 * Loads the minion's grains as Salt does: a fresh `grains.cache.p` when `grains_cache` is on
 * (unless `forceRefresh`), else every grain function's result merged in Salt's order (core
 * functions, custom modules, then `disks`, `extra` (incl. the `<confdir>/grains` file),
 * `lvm`, `mdadm`, `minion_process`, `opts`, `zfs`), `grains_blacklist` applied to each result,
 * `grains_deep_merge` choosing recursive merging, and the config's `grains:` mapping last.
 * With `skip` (or `skip_grains` in opts) and no fresh cache, returns `{}`.
 * Helper programs run concurrently and a failing grain function is logged and skipped.
 * @throws GrainsConfigError when `grains` or `grains_blacklist` has the wrong type.
 */
export async function loadGrains(opts: Opts, options: LoadGrainsOptions = {}): Promise<Grains> {
  const log = options.log ?? nullLogger;
  if (!options.forceRefresh && opts.grains_cache) {
    const cached = await readGrainsCache(opts, log);
    if (cached) return cached;
  } else {
    log.debug('Grains refresh requested. Refreshing grains.');
  }
  if (options.skip || opts.skip_grains) return {};
  return computeGrains(opts, options, log);
}
