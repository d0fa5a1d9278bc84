/**
 * The `manage` runner: which minions are up (answer `test.ping`), down, present (connected to the
 * publish port), and which Salt versions they run.
 */
import { SALT_VERSION } from '../version.js';
import { pyTruthy } from '../output/python.js';
import { defineMasterFunction } from './_define.js';
import { isMap, keyStoreFor, MinionDataCache, type Dict } from './_common.js';
import { connectedAddresses } from './_presence.js';
import type { MasterCallContext, MasterFunction, MasterModule, Opts } from './types.js';

/** Pings the target; [returned, not returned] (both sorted), or null when nothing was targeted. */
async function ping(ctx: MasterCallContext, tgt: unknown, tgtType: unknown, timeout: unknown, gatherJobTimeout: unknown): Promise<[string[], string[]] | null> {
  const job = await ctx.minions().run(tgt as string, 'test.ping', [], {
    tgtType: typeof tgtType === 'string' ? tgtType : 'glob',
    timeout: Number(timeout),
    gatherJobTimeout: Number(gatherJobTimeout),
  });
  if (!job) return null;
  ctx.log.debug(`manage runner will ping the following minion(s): ${[...job.minions].sort().join(', ')}`);
  const returned = new Set(Object.keys(job.returns));
  return [[...returned].sort(), job.minions.filter((m) => !returned.has(m)).sort()];
}

async function status(ctx: MasterCallContext, p: { tgt: unknown; tgt_type: unknown; timeout: unknown; gather_job_timeout: unknown }): Promise<{ up: string[]; down: string[] }> {
  const timeout = pyTruthy(p.timeout) ? p.timeout : ctx.opts.timeout;
  const gather = pyTruthy(p.gather_job_timeout) ? p.gather_job_timeout : ctx.opts.gather_job_timeout;
  const res = await ping(ctx, p.tgt, p.tgt_type, timeout, gather);
  const [up, down] = res ?? [[], []];
  return { up, down };
}

/**
 * Salt's `connected_ids`: cached minions (or `subset`) with a grain address among the
 * addresses connected to the publish port. `[id, ip]` pairs with `showIp`.
 */
export function connectedIds(opts: Opts, subset: unknown, showIp: boolean, addrs?: Set<string>): Array<string | [string, string]> {
  const ret = new Map<string, string>();
  if (opts.minion_data_cache === false) return [];
  const cache = new MinionDataCache(opts);
  const search = Array.isArray(subset) && subset.length > 0 ? subset.map(String) : cache.list();
  const connected = addrs ?? connectedAddresses(Number(opts.publish_port ?? 4505));
  for (const id of search) {
    const data = cache.fetch(id, 'data');
    if (!isMap(data)) continue;
    const grains = isMap(data.grains) ? data.grains : {};
    for (const family of ['ipv4', 'ipv6']) {
      const list = Array.isArray(grains[family]) ? (grains[family] as unknown[]) : [];
      const hit = list.find((ip) => connected.has(String(ip)));
      if (hit !== undefined && !ret.has(id)) ret.set(id, String(hit));
    }
  }
  return showIp ? [...ret].map(([id, ip]) => [id, ip] as [string, string]) : [...ret.keys()];
}

function listState(ctx: MasterCallContext, subset: unknown, showIp: unknown): unknown {
  const ids = connectedIds(ctx.opts, subset, pyTruthy(showIp));
  if (pyTruthy(showIp)) return Object.fromEntries(ids as Array<[string, string]>);
  return (ids as string[]).sort();
}

function listNotState(ctx: MasterCallContext, subset: unknown, showIp: unknown): string[] {
  const connected = listState(ctx, null, showIp);
  const names = Array.isArray(connected) ? new Set(connected as string[]) : new Set(Object.keys(connected as Dict));
  const sub = Array.isArray(subset) ? subset.map(String) : null;
  return keyStoreFor(ctx.opts)
    .list('minions')
    .filter((id) => !names.has(id) && (sub === null || sub.includes(id)));
}

const PRESENCE_DOC = (what: string, name: string): string => `
    Print a list of all minions that are ${what} according to Salt's presence
    detection (no commands will be sent${what === 'up' ? ' to minions' : ''})

    subset : None
        Pass in a list of minion ids.

    show_ip : False
        Also show the IP address each minion is connecting from.

    CLI Example:

    .. code-block:: bash

        salt-run manage.${name}
`;

function presence(name: string, up: boolean): MasterFunction {
  return defineMasterFunction(
    { args: ['subset', 'show_ip'], defaults: { subset: null, show_ip: false }, doc: PRESENCE_DOC(up ? 'up' : 'NOT up', name) },
    ({ subset, show_ip }, ctx) => (up ? listState(ctx, subset, show_ip) : listNotState(ctx, subset, show_ip)),
  );
}

/** Compares dotted version texts numerically (`3006.10` < `3007.1`): -1, 0 or 1. */
export function compareVersions(a: string, b: string): number {
  const pa = a.split(/[.\-+rc]+/).map((x) => Number.parseInt(x, 10) || 0);
  const pb = b.split(/[.\-+rc]+/).map((x) => Number.parseInt(x, 10) || 0);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d < 0 ? -1 : 1;
  }
  return 0;
}

const VERSION_LABELS: Record<number, string> = {
  [-2]: 'Minion offline',
  [-1]: 'Minion requires update',
  0: 'Up to date',
  1: 'Minion newer than master',
  2: 'Master',
};

const TARGET_ARGS = ['tgt', 'tgt_type', 'timeout', 'gather_job_timeout'] as const;
const TARGET_DEFAULTS = { tgt: '*', tgt_type: 'glob', timeout: null, gather_job_timeout: null };

const manage: MasterModule = {
  name: 'manage',
  functions: {
    status: defineMasterFunction(
      {
        args: ['output', ...TARGET_ARGS],
        defaults: { output: true, ...TARGET_DEFAULTS },
        doc: `
          Print the status of all known salt minions

          CLI Example:

          .. code-block:: bash

              salt-run manage.status
              salt-run manage.status tgt="webservers" tgt_type="nodegroup"
              salt-run manage.status timeout=5 gather_job_timeout=10
        `,
      },
      (p, ctx) => status(ctx, p),
    ),
    up: defineMasterFunction(
      {
        args: [...TARGET_ARGS],
        defaults: TARGET_DEFAULTS,
        doc: `
          Print a list of all of the minions that are up

          CLI Example:

          .. code-block:: bash

              salt-run manage.up
              salt-run manage.up tgt="webservers" tgt_type="nodegroup"
              salt-run manage.up timeout=5 gather_job_timeout=10
        `,
      },
      async (p, ctx) => (await status(ctx, p)).up,
    ),
    down: defineMasterFunction(
      {
        args: ['removekeys', ...TARGET_ARGS],
        defaults: { removekeys: false, ...TARGET_DEFAULTS },
        doc: `
          Print a list of all the down or unresponsive salt minions
          Optionally remove keys of down minions

          CLI Example:

          .. code-block:: bash

              salt-run manage.down
              salt-run manage.down removekeys=True
              salt-run manage.down tgt="webservers" tgt_type="nodegroup"
        `,
      },
      async (p, ctx) => {
        const down = (await status(ctx, p)).down;
        if (pyTruthy(p.removekeys)) {
          const { WheelClient } = await import('../client/wheel_client.js');
          const wheel = new WheelClient(ctx.opts);
          for (const minion of down) await wheel.callFunc('key.delete', { match: minion });
        }
        return down;
      },
    ),
    list_state: presence('list_state', true),
    list_not_state: presence('list_not_state', false),
    present: presence('present', true),
    not_present: presence('not_present', false),
    joined: presence('joined', true),
    not_joined: presence('not_joined', false),
    allowed: presence('allowed', true),
    not_allowed: presence('not_allowed', false),
    alived: presence('alived', true),
    not_alived: presence('not_alived', false),
    reaped: presence('reaped', true),
    not_reaped: presence('not_reaped', false),
    versions: defineMasterFunction(
      {
        doc: `
          Check the version of active minions

          CLI Example:

          .. code-block:: bash

              salt-run manage.versions
        `,
      },
      async (_p, ctx) => {
        const ret: Dict = {};
        let returns: Record<string, { ret: unknown; retcode?: number }>;
        try {
          returns = (await ctx.minions().run('*', 'test.version', [], { timeout: Number(ctx.opts.timeout ?? 5) }))?.returns ?? {};
        } catch (err) {
          ctx.print(`${(err as Error).message}\n`);
          return ret;
        }
        const byStatus = new Map<number, Dict>();
        for (const [minion, r] of Object.entries(returns)) {
          let version: string | false = false;
          let diff = -2;
          if (r && !r.retcode && typeof r.ret === 'string') {
            version = r.ret;
            diff = compareVersions(version, SALT_VERSION);
          }
          if (!byStatus.has(diff)) byStatus.set(diff, {});
          byStatus.get(diff)![minion] = version;
        }
        for (const [diff, minions] of byStatus) {
          const label = VERSION_LABELS[diff]!;
          const sorted: Dict = {};
          for (const m of Object.keys(minions).sort()) sorted[m] = minions[m];
          ret[label] = sorted;
        }
        ret.Master = SALT_VERSION;
        return ret;
      },
    ),
  },
};

export default manage;
