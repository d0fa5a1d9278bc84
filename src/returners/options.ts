/**
 * Salt's `salt.returners.get_returner_options`: where a returner reads its settings.
 *
 * For an option `host` of the returner `redis` the value is, in order:
 * 1. with `--return_config alt` (the ret's `ret_config`): `alt.redis: {host}` or `alt.redis.host`;
 * 2. the nested form `redis: {host: ...}`, then the flat key `redis.host`;
 * 3. the returner's default.
 * Each key is looked up like `config.option`: the options, then grains, pillar and the pillar's
 * `master` map. A falsy value (Python's truth) counts as unset. Finally the ret's `ret_kwargs`
 * (`--return_kwargs`) override everything.
 */
import { pyTruthy } from '../output/python.js';
import type { Dict, ReturnerContext } from './types.js';

function isMap(v: unknown): v is Dict {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !Buffer.isBuffer(v);
}

/**
 * Salt's `config.option(key, default)`: the literal key in the options, grains, pillar, then the
 * pillar's `master` map; `default` when none has it.
 */
export function configOption(ctx: ReturnerContext, key: string, dflt: unknown = ''): unknown {
  const master = ctx.pillar?.master;
  for (const source of [ctx.opts, ctx.grains, ctx.pillar, isMap(master) ? master : undefined]) {
    if (source && Object.hasOwn(source, key)) return source[key];
  }
  return dflt;
}

function fetchOption(ctx: ReturnerContext, retConfig: string | null, virtualname: string, attr: string): unknown {
  const nested = configOption(ctx, virtualname, {});
  const fromDefault = (): unknown => (isMap(nested) && Object.hasOwn(nested, attr) ? nested[attr] : configOption(ctx, `${virtualname}.${attr}`));
  if (!retConfig) return fromDefault();
  const alt = configOption(ctx, `${retConfig}.${virtualname}`, {});
  const override = isMap(alt) && Object.hasOwn(alt, attr) ? alt[attr] : configOption(ctx, `${retConfig}.${virtualname}.${attr}`);
  return pyTruthy(override) ? override : fromDefault();
}

/**
 * The options of a returner (see the module comment).
 * @param virtualname the key prefix (`redis`, `returner.pgjsonb`).
 * @param ret the job return being stored, or null/undefined outside a return.
 * @param attrs option name → key suffix (`{ startup_nodes: 'cluster.startup_nodes' }`).
 * @param defaults values for options left unset.
 */
export function getReturnerOptions(
  ctx: ReturnerContext,
  virtualname: string,
  ret: Dict | null | undefined,
  attrs: Record<string, string>,
  defaults: Dict = {},
): Dict {
  const retConfig = !ret || Object.keys(ret).length === 0 ? null : 'ret_config' in ret ? String(ret.ret_config) : '';
  const out: Dict = {};
  for (const [option, suffix] of Object.entries(attrs)) {
    const value = fetchOption(ctx, retConfig, virtualname, suffix);
    if (pyTruthy(value)) out[option] = value;
    else if (Object.hasOwn(defaults, option)) out[option] = defaults[option];
  }
  if (ret && isMap(ret.ret_kwargs)) Object.assign(out, ret.ret_kwargs);
  return out;
}

/**
 * Salt's `salt.utils.job.get_keep_jobs_seconds`: `keep_jobs_seconds` (default 86400), or the
 * deprecated `keep_jobs` hours when only that one was changed.
 */
export function keepJobsSeconds(opts: Dict): number {
  const seconds = Number(opts.keep_jobs_seconds ?? 86400);
  const hours = Number(opts.keep_jobs ?? 24);
  return seconds === 86400 && hours !== 24 ? hours * 3600 : seconds;
}
