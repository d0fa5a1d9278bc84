/**
 * Salt's `match` execution module: run the minion's targeting matchers against this minion
 * (`match.grain 'os:Debian'`), and pick values by target (`filter_by`, `search_by`).
 * A matcher that fails (an invalid regex...) returns False, as in Salt.
 */
import { defineFunction } from '../loader/define.js';
import type { CallContext, SaltModule } from '../loader/types.js';
import {
  compoundMatch,
  globMatch,
  grainMatch,
  grainPcreMatch,
  ipcidrMatch,
  listMatch,
  pcreMatch,
  pillarMatch,
  pillarPcreMatch,
  type MinionTargetContext,
  type Nodegroups,
} from '../targeting/index.js';
import { dictUpdate } from '../config/dict_update.js';
import { pyStr } from './_pyrepr.js';
import { deepCopy } from './_pyvalue.js';
import { isDict, SaltException } from './_salt_data.js';

/** Python's KeyError (its message is the repr of the missing key). */
class PyKeyError extends Error {
  override readonly name = 'KeyError';
  readonly code = 'EPYKEY';
}

function targetContext(ctx: CallContext, minionId: unknown): MinionTargetContext {
  const id = minionId === null || minionId === undefined ? pyStr(ctx.opts.minion_id ?? ctx.opts.id ?? '') : pyStr(minionId);
  const nodegroups = isDict(ctx.opts.nodegroups) ? (ctx.opts.nodegroups as Nodegroups) : undefined;
  return {
    id,
    grains: ctx.grains,
    pillar: ctx.pillar,
    nodegroups,
    log: (level, message) => (level === 'ERROR' ? ctx.log.error(message) : ctx.log.warn(message)),
  };
}

/** Runs a matcher the way Salt's wrappers do: any exception is logged and means False. */
function guarded(ctx: CallContext, fn: () => unknown): unknown {
  try {
    return fn();
  } catch (err) {
    ctx.log.error(String((err as Error)?.message ?? err));
    return false;
  }
}

type Matcher = (ctx: CallContext, tgt: unknown, second?: unknown) => unknown;

/** The module's matchers by Python function name, as `filter_by`'s `tgt_type` looks them up. */
const MATCHERS: Record<string, Matcher> = {
  compound: (ctx, tgt, minionId) => guarded(ctx, () => compoundMatch(tgt, targetContext(ctx, minionId))),
  ipcidr: (ctx, tgt) => guarded(ctx, () => ipcidrMatch(tgt, ctx.grains, targetContext(ctx, null).log)),
  pillar_pcre: (ctx, tgt, delim = ':') => guarded(ctx, () => pillarPcreMatch(tgt, ctx.pillar, pyStr(delim), targetContext(ctx, null).log)),
  pillar: (ctx, tgt, delim = ':') => guarded(ctx, () => pillarMatch(tgt, ctx.pillar, pyStr(delim), targetContext(ctx, null).log)),
  grain_pcre: (ctx, tgt, delim = ':') => guarded(ctx, () => grainPcreMatch(tgt, ctx.grains, pyStr(delim), targetContext(ctx, null).log)),
  grain: (ctx, tgt, delim = ':') => guarded(ctx, () => grainMatch(tgt, ctx.grains, pyStr(delim), targetContext(ctx, null).log)),
  list_: (ctx, tgt, minionId) => guarded(ctx, () => listMatch(tgt, targetContext(ctx, minionId).id, targetContext(ctx, null).log)),
  pcre: (ctx, tgt, minionId) => guarded(ctx, () => pcreMatch(tgt, targetContext(ctx, minionId).id)),
  glob: (ctx, tgt, minionId) => guarded(ctx, () => globMatch(tgt, targetContext(ctx, minionId).id)),
};

function matcherFor(tgtType: unknown): Matcher {
  const name = pyStr(tgtType);
  const m = Object.hasOwn(MATCHERS, name) ? MATCHERS[name] : undefined;
  if (!m) throw new PyKeyError(`'${name}'`);
  return m;
}

const ID_DOC = (what: string, fn: string, example: string) => `Return True if the minion ID matches the given ${what} target

minion_id
    Specify the minion ID to match against the target expression

    .. versionadded:: 2014.7.0

CLI Example:

.. code-block:: bash

    salt '*' match.${fn} '${example}'`;

const DELIM_DOC = (what: string, fn: string, example: string) => `Return True if the minion matches the given ${what} target. The
\`\`delimiter\`\` argument can be used to specify a different delimiter.

CLI Example:

.. code-block:: bash

    salt '*' match.${fn} '${example}'
    salt '*' match.${fn} 'key^value' delimiter='^'

delimiter
    Specify an alternate delimiter to use when traversing a nested dict

    .. versionadded:: 2014.7.0`;

const mod: SaltModule = {
  name: 'match',
  functions: {
    compound: defineFunction(
      {
        args: ['tgt', 'minion_id'],
        defaults: { minion_id: null },
        doc: ID_DOC('compound', 'compound', 'L@cheese,foo and *'),
      },
      ({ tgt, minion_id }, ctx) => MATCHERS.compound(ctx, tgt, minion_id),
    ),
    ipcidr: defineFunction(
      {
        args: ['tgt'],
        doc: "Return True if the minion matches the given ipcidr target\n\nCLI Example:\n\n.. code-block:: bash\n\n    salt '*' match.ipcidr '192.168.44.0/24'\n\nPillar Example:\n\n.. code-block:: yaml\n\n   '172.16.0.0/12':\n     - match: ipcidr\n     - nodeclass: internal",
      },
      ({ tgt }, ctx) => MATCHERS.ipcidr(ctx, tgt),
    ),
    pillar_pcre: defineFunction(
      { args: ['tgt', 'delimiter'], defaults: { delimiter: ':' }, doc: DELIM_DOC('pillar_pcre', 'pillar_pcre', 'cheese:(swiss|american)') },
      ({ tgt, delimiter }, ctx) => MATCHERS.pillar_pcre(ctx, tgt, delimiter),
    ),
    pillar: defineFunction(
      { args: ['tgt', 'delimiter'], defaults: { delimiter: ':' }, doc: DELIM_DOC('pillar', 'pillar', 'cheese:foo') },
      ({ tgt, delimiter }, ctx) => MATCHERS.pillar(ctx, tgt, delimiter),
    ),
    grain_pcre: defineFunction(
      { args: ['tgt', 'delimiter'], defaults: { delimiter: ':' }, doc: DELIM_DOC('grain_pcre', 'grain_pcre', '.*:.*') },
      ({ tgt, delimiter }, ctx) => MATCHERS.grain_pcre(ctx, tgt, delimiter),
    ),
    grain: defineFunction(
      { args: ['tgt', 'delimiter'], defaults: { delimiter: ':' }, doc: DELIM_DOC('grains', 'grain', 'os:Ubuntu') },
      ({ tgt, delimiter }, ctx) => MATCHERS.grain(ctx, tgt, delimiter),
    ),
    list: defineFunction(
      { args: ['tgt', 'minion_id'], defaults: { minion_id: null }, pyName: 'list_', doc: ID_DOC('list', 'list', 'server1,server2') },
      ({ tgt, minion_id }, ctx) => MATCHERS.list_(ctx, tgt, minion_id),
    ),
    pcre: defineFunction(
      { args: ['tgt', 'minion_id'], defaults: { minion_id: null }, doc: ID_DOC('pcre', 'pcre', '.*') },
      ({ tgt, minion_id }, ctx) => MATCHERS.pcre(ctx, tgt, minion_id),
    ),
    glob: defineFunction(
      { args: ['tgt', 'minion_id'], defaults: { minion_id: null }, doc: ID_DOC('glob', 'glob', '*') },
      ({ tgt, minion_id }, ctx) => MATCHERS.glob(ctx, tgt, minion_id),
    ),
    filter_by: defineFunction(
      {
        args: ['lookup', 'tgt_type', 'minion_id', 'merge', 'merge_lists', 'default'],
        defaults: { tgt_type: 'compound', minion_id: null, merge: null, merge_lists: false, default: 'default' },
        doc: "Return the first match in a dictionary of target patterns\n\n.. versionadded:: 2014.7.0\n\nCLI Example:\n\n.. code-block:: bash\n\n    salt '*' match.filter_by '{foo*: Foo!, bar*: Bar!}' minion_id=bar03\n\nPillar Example:\n\n.. code-block:: jinja\n\n    # Filter the data for the current minion into a variable:\n    {% set roles = salt['match.filter_by']({\n        'web*': ['app', 'caching'],\n        'db*': ['db'],\n    }, minion_id=grains['id'], default='web*') %}\n\n    # Make the filtered data available to Pillar:\n    roles: {{ roles | yaml() }}",
      },
      ({ lookup, tgt_type, minion_id, merge, merge_lists, default: dflt }, ctx) => {
        const table = isDict(lookup) ? lookup : {};
        const matcher = matcherFor(tgt_type);
        for (const key of Object.keys(table)) {
          const hit = minion_id ? matcher(ctx, key, minion_id) : matcher(ctx, key);
          if (hit === true) {
            if (merge) {
              if (!isDict(merge)) throw new SaltException('filter_by merge argument must be a dictionary.');
              if (table[key] === null) return merge;
              if (isDict(table[key])) dictUpdate(table[key] as Record<string, unknown>, deepCopy(merge), true, !!merge_lists);
            }
            return table[key];
          }
        }
        return Object.hasOwn(table, pyStr(dflt)) ? table[pyStr(dflt)] : null;
      },
    ),
    search_by: defineFunction(
      {
        args: ['lookup', 'tgt_type', 'minion_id'],
        defaults: { tgt_type: 'compound', minion_id: null },
        doc: "Search a dictionary of target strings for matching targets\n\nThis is the inverse of :py:func:`match.filter_by\n<salt.modules.match.filter_by>` and allows matching values instead of\nmatching keys. A minion can be matched by multiple entries.\n\n.. versionadded:: 2017.7.0\n\nCLI Example:\n\n.. code-block:: bash\n\n    salt '*' match.search_by '{web: [node1, node2], db: [node2, node]}'\n\nPillar Example:\n\n.. code-block:: jinja\n\n    {% set roles = salt.match.search_by({\n        'web': ['G@os_family:Debian', 'not *.db.*'],\n        'db': ['L@node2,node3 and G@datacenter:west'],\n        'caching': ['node3', 'node4'],\n    }) %}\n\n    # Make the filtered data available to Pillar:\n    roles: {{ roles | yaml() }}",
      },
      ({ lookup, tgt_type, minion_id }, ctx) => {
        const table = isDict(lookup) ? lookup : {};
        const matcher = matcherFor(tgt_type);
        const matches: string[] = [];
        for (const [key, targets] of Object.entries(table)) {
          for (const target of (Array.isArray(targets) ? targets : typeof targets === 'string' ? [...targets] : Object.keys(targets ?? {}))) {
            const hit = minion_id ? matcher(ctx, target, minion_id) : matcher(ctx, target);
            if (hit === true) matches.push(key);
          }
        }
        return matches.length ? matches : null;
      },
    ),
  },
};

export default mod;
