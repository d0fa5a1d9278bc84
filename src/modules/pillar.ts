/**
 * Salt's `pillar` execution module: read the minion's pillar (`get` with `:`-nested keys,
 * defaults and merging, `item`, `raw`, `keys`, `ls`) and compile a fresh one (`items`).
 */
import { dictUpdate } from '../config/dict_update.js';
import { defineFunction } from '../loader/define.js';
import { CommandExecutionError } from '../loader/errors.js';
import type { CallContext, SaltModule } from '../loader/types.js';
import { compilePillar } from '../pillar/compile.js';
import { pillarFetcher } from '../pillar/fetcher.js';
import { mergePillar } from '../pillar/merge.js';
import { deepCopy, pyEq } from './_pyvalue.js';
import { pyTypeName } from './_pyrepr.js';
import { isDict, traverseDictAndList } from './_salt_data.js';

const NOT_SET = Symbol('NOT_SET');
const KEY_ERROR = Symbol('KeyError');

/** Python's KeyError (its text is the repr of the key message, as `str(KeyError(...))` gives). */
export class PillarKeyError extends Error {
  override readonly name = 'KeyError';
  readonly code = 'EPILLARKEY';
  constructor(key: string) {
    super(`'Pillar key not found: ${key}'`);
  }
}

/** Python's ValueError for `pillar.keys` on a value that is not a dict. */
export class PillarValueError extends Error {
  override readonly name = 'ValueError';
  readonly code = 'EPILLARVALUE';
}

/**
 * Salt's `pillar.items`: a freshly compiled pillar. On a minion with a master the registered
 * fetcher asks the master (`_pillar`); masterless, the pillar is compiled from the minion's own
 * `pillar_roots`; with neither, the pillar the minion holds (override merged over it).
 */
async function freshPillar(ctx: CallContext, kwargs: Record<string, unknown>): Promise<Record<string, unknown>> {
  const opts = ctx.opts;
  let pillarenv = kwargs.pillarenv as string | null | undefined;
  if (pillarenv === undefined || pillarenv === null) {
    pillarenv = opts.pillarenv_from_saltenv === true ? ((kwargs.saltenv as string) || (opts.saltenv as string) || null) : ((opts.pillarenv as string) ?? null);
  }
  const override = kwargs.pillar;
  if (override !== undefined && override !== null && !isDict(override)) throw new CommandExecutionError('Pillar data must be formatted as a dictionary');
  if (kwargs.pillar_enc) throw new CommandExecutionError('Failed to decrypt pillar override: pillar_enc is not supported');
  const pillarOverride = (override ?? {}) as Record<string, unknown>;
  const saltenv = (kwargs.saltenv as string) ?? (opts.saltenv as string) ?? null;
  const local = opts.file_client === 'local' || opts.local === true;
  const fetch = pillarFetcher();
  if (!local && fetch) return fetch(opts, { grains: ctx.grains, saltenv, pillarenv, pillarOverride });
  if (local) {
    const { pillar } = await compilePillar({ id: String(opts.id ?? ''), grains: ctx.grains, saltenv, pillarenv, pillarOverride, opts, salt: ctx.salt });
    return pillar;
  }
  return Object.keys(pillarOverride).length ? mergePillar(ctx.pillar, pillarOverride) : deepCopy(ctx.pillar);
}

function pillarFor(ctx: CallContext, saltenv: unknown, pillarenv: unknown): Promise<Record<string, unknown>> | Record<string, unknown> {
  if ((saltenv === null || saltenv === undefined) && (pillarenv === null || pillarenv === undefined)) return ctx.pillar;
  return freshPillar(ctx, { saltenv, pillarenv });
}

const mod: SaltModule = {
  name: 'pillar',
  functions: {
    get: defineFunction(
      {
        args: ['key', 'default', 'merge', 'merge_nested_lists', 'delimiter', 'pillarenv', 'saltenv'],
        defaults: { default: NOT_SET, merge: false, merge_nested_lists: null, delimiter: ':', pillarenv: null, saltenv: null },
        doc: 'See DOCS.',
      },
      async ({ key, default: dflt, merge, merge_nested_lists, delimiter, pillarenv, saltenv }, ctx) => {
        let fallback: unknown = dflt === NOT_SET ? KEY_ERROR : dflt;
        if (!ctx.opts.pillar_raise_on_missing && fallback === KEY_ERROR) fallback = '';
        const mergeLists = merge_nested_lists === null || merge_nested_lists === undefined ? ctx.opts.pillar_merge_lists === true : merge_nested_lists === true;
        const data = await pillarFor(ctx, saltenv, pillarenv);
        const delim = String(delimiter);
        const k = String(key);
        if (merge) {
          if (isDict(fallback)) {
            const ret = traverseDictAndList(data, k, {}, delim);
            if (isDict(ret)) return dictUpdate(deepCopy(fallback), deepCopy(ret), true, mergeLists);
            ctx.log.error(`pillar.get: Default (${String(fallback)}) is a dict, but the returned pillar value (${String(ret)}) is of type '${pyTypeName(ret)}'. Merge will be skipped.`);
          } else if (Array.isArray(fallback)) {
            const ret = traverseDictAndList(data, k, [], delim);
            if (Array.isArray(ret)) {
              const out = deepCopy(fallback);
              for (const x of ret) if (!out.some((y) => pyEq(x, y))) out.push(x);
              return out;
            }
            ctx.log.error(`pillar.get: Default (${String(fallback)}) is a list, but the returned pillar value (${String(ret)}) is of type '${pyTypeName(ret)}'. Merge will be skipped.`);
          } else {
            ctx.log.error(`pillar.get: Default (${String(fallback)}) is of type '${pyTypeName(fallback)}', must be a dict or list to merge. Merge will be skipped.`);
          }
        }
        const ret = traverseDictAndList(data, k, fallback, delim);
        if (ret === KEY_ERROR) throw new PillarKeyError(k);
        return ret;
      },
    ),
    items: defineFunction(
      {
        varargs: true,
        kwargs: true,
        doc: 'See DOCS.',
      },
      async (_p, ctx, { varargs, kwargs }) => {
        if (varargs.length) return ctx.salt('pillar.item', varargs, {});
        return freshPillar(ctx, kwargs);
      },
    ),
    data: defineFunction(
      { varargs: true, kwargs: true, doc: 'Calls the master for a fresh pillar and generates the pillar data on the fly (alias of pillar.items)' },
      async (_p, ctx, { varargs, kwargs }) => ctx.salt('pillar.items', varargs, Object.fromEntries(Object.entries(kwargs).filter(([k]) => !k.startsWith('__')))),
    ),
    item: defineFunction(
      {
        varargs: true,
        kwargs: true,
        doc: 'See DOCS.',
      },
      async (_p, ctx, { varargs, kwargs }) => {
        const dflt = 'default' in kwargs ? kwargs.default : '';
        const delimiter = 'delimiter' in kwargs ? String(kwargs.delimiter) : ':';
        const data = await pillarFor(ctx, kwargs.saltenv ?? null, kwargs.pillarenv ?? null);
        const ret: Record<string, unknown> = {};
        for (const arg of varargs) ret[String(arg)] = traverseDictAndList(data, String(arg), dflt, delimiter);
        return ret;
      },
    ),
    ls: defineFunction(
      { varargs: true, doc: 'See DOCS.' },
      async (_p, ctx, { varargs }) => Object.keys((await ctx.salt('pillar.items', varargs, {})) as Record<string, unknown>),
    ),
    raw: defineFunction(
      { args: ['key'], defaults: { key: null }, doc: 'See DOCS.' },
      async ({ key }, ctx) => {
        if (key) return Object.hasOwn(ctx.pillar, String(key)) ? ctx.pillar[String(key)] : {};
        return { ...ctx.pillar };
      },
    ),
    keys: defineFunction(
      { args: ['key', 'delimiter'], defaults: { delimiter: ':' }, doc: 'See DOCS.' },
      async ({ key, delimiter }, ctx) => {
        const ret = traverseDictAndList(ctx.pillar, String(key), KEY_ERROR, String(delimiter));
        if (ret === KEY_ERROR) throw new PillarKeyError(String(key));
        if (!isDict(ret)) throw new PillarValueError(`Pillar value in key ${String(key)} is not a dict`);
        return Object.keys(ret);
      },
    ),
    obfuscate: defineFunction(
      { varargs: true, kwargs: true, doc: 'See DOCS.' },
      async (_p, ctx, { varargs, kwargs }) => {
        const hide = (v: unknown): unknown => (isDict(v) ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, hide(x)])) : Array.isArray(v) ? v.map(hide) : `<${pyTypeName(v)}>`);
        return hide(await ctx.salt('pillar.items', varargs, Object.fromEntries(Object.entries(kwargs).filter(([k]) => !k.startsWith('__')))));
      },
    ),
  },
};
mod.functions.fetch = mod.functions.get!;

/** Salt 3006.10's docstrings of these functions (what `sys.doc` shows). */
const DOCS: Record<string, string> = {
  get: ".. versionadded:: 0.14.0\n\nAttempt to retrieve the named value from :ref:`in-memory pillar data\n<pillar-in-memory>`. If the pillar key is not present in the in-memory\npillar, then the value specified in the ``default`` option (described\nbelow) will be returned.\n\nIf the merge parameter is set to ``True``, the default will be recursively\nmerged into the returned pillar data.\n\nThe value can also represent a value in a nested dict using a \":\" delimiter\nfor the dict. This means that if a dict in pillar looks like this::\n\n    {'pkg': {'apache': 'httpd'}}\n\nTo retrieve the value associated with the ``apache`` key in the ``pkg``\ndict this key can be passed as::\n\n    pkg:apache\n\nkey\n    The pillar key to get value from\n\ndefault\n    The value specified by this option will be returned if the desired\n    pillar key does not exist.\n\n    If a default value is not specified, then it will be an empty string,\n    unless :conf_minion:`pillar_raise_on_missing` is set to ``True``, in\n    which case an error will be raised.\n\nmerge : ``False``\n    If ``True``, the retrieved values will be merged into the passed\n    default. When the default and the retrieved value are both\n    dictionaries, the dictionaries will be recursively merged.\n\n    .. versionadded:: 2014.7.0\n    .. versionchanged:: 2016.3.7,2016.11.4,2017.7.0\n        If the default and the retrieved value are not of the same type,\n        then merging will be skipped and the retrieved value will be\n        returned. Earlier releases raised an error in these cases.\n\nmerge_nested_lists\n    If set to ``False``, lists nested within the retrieved pillar\n    dictionary will *overwrite* lists in ``default``. If set to ``True``,\n    nested lists will be *merged* into lists in ``default``. If unspecified\n    (the default), this option is inherited from the\n    :conf_minion:`pillar_merge_lists` minion config option.\n\n    .. note::\n        This option is ignored when ``merge`` is set to ``False``.\n\n    .. versionadded:: 2016.11.6\n\ndelimiter\n    Specify an alternate delimiter to use when traversing a nested dict.\n    This is useful for when the desired key contains a colon. See CLI\n    example below for usage.\n\n    .. versionadded:: 2014.7.0\n\npillarenv\n    If specified, this function will query the master to generate fresh\n    pillar data on the fly, specifically from the requested pillar\n    environment. Note that this can produce different pillar data than\n    executing this function without an environment, as its normal behavior\n    is just to return a value from minion's pillar data in memory (which\n    can be sourced from more than one pillar environment).\n\n    Using this argument will not affect the pillar data in memory. It will\n    however be slightly slower and use more resources on the master due to\n    the need for the master to generate and send the minion fresh pillar\n    data. This tradeoff in performance however allows for the use case\n    where pillar data is desired only from a single environment.\n\n    .. versionadded:: 2017.7.0\n\nsaltenv\n    Included only for compatibility with\n    :conf_minion:`pillarenv_from_saltenv`, and is otherwise ignored.\n\n    .. versionadded:: 2017.7.0\n\nCLI Example:\n\n.. code-block:: bash\n\n    salt '*' pillar.get pkg:apache\n    salt '*' pillar.get abc::def|ghi delimiter='|'",
  items: "Calls the master for a fresh pillar and generates the pillar data on the\nfly\n\nContrast with :py:func:`raw` which returns the pillar data that is\ncurrently loaded into the minion.\n\npillar\n    If specified, allows for a dictionary of pillar data to be made\n    available to pillar and ext_pillar rendering. these pillar variables\n    will also override any variables of the same name in pillar or\n    ext_pillar.\n\n    .. versionadded:: 2015.5.0\n\npillar_enc\n    If specified, the data passed in the ``pillar`` argument will be passed\n    through this renderer to decrypt it.\n\n    .. note::\n        This will decrypt on the minion side, so the specified renderer\n        must be set up on the minion for this to work. Alternatively,\n        pillar data can be decrypted master-side. For more information, see\n        the :ref:`Pillar Encryption <pillar-encryption>` documentation.\n        Pillar data that is decrypted master-side, is not decrypted until\n        the end of pillar compilation though, so minion-side decryption\n        will be necessary if the encrypted pillar data must be made\n        available in an decrypted state pillar/ext_pillar rendering.\n\n    .. versionadded:: 2017.7.0\n\npillarenv\n    Pass a specific pillar environment from which to compile pillar data.\n    If not specified, then the minion's :conf_minion:`pillarenv` option is\n    not used, and if that also is not specified then all configured pillar\n    environments will be merged into a single pillar dictionary and\n    returned.\n\n    .. versionadded:: 2016.11.2\n\nsaltenv\n    Included only for compatibility with\n    :conf_minion:`pillarenv_from_saltenv`, and is otherwise ignored.\n\nCLI Example:\n\n.. code-block:: bash\n\n    salt '*' pillar.items",
  item: ".. versionadded:: 0.16.2\n\nReturn one or more pillar entries from the :ref:`in-memory pillar data\n<pillar-in-memory>`.\n\ndelimiter\n    Delimiter used to traverse nested dictionaries.\n\n    .. note::\n        This is different from :py:func:`pillar.get\n        <salt.modules.pillar.get>` in that no default value can be\n        specified. :py:func:`pillar.get <salt.modules.pillar.get>` should\n        probably still be used in most cases to retrieve nested pillar\n        values, as it is a bit more flexible. One reason to use this\n        function instead of :py:func:`pillar.get <salt.modules.pillar.get>`\n        however is when it is desirable to retrieve the values of more than\n        one key, since :py:func:`pillar.get <salt.modules.pillar.get>` can\n        only retrieve one key at a time.\n\n    .. versionadded:: 2015.8.0\n\npillarenv\n    If specified, this function will query the master to generate fresh\n    pillar data on the fly, specifically from the requested pillar\n    environment. Note that this can produce different pillar data than\n    executing this function without an environment, as its normal behavior\n    is just to return a value from minion's pillar data in memory (which\n    can be sourced from more than one pillar environment).\n\n    Using this argument will not affect the pillar data in memory. It will\n    however be slightly slower and use more resources on the master due to\n    the need for the master to generate and send the minion fresh pillar\n    data. This tradeoff in performance however allows for the use case\n    where pillar data is desired only from a single environment.\n\n    .. versionadded:: 2017.7.6,2018.3.1\n\nsaltenv\n    Included only for compatibility with\n    :conf_minion:`pillarenv_from_saltenv`, and is otherwise ignored.\n\n    .. versionadded:: 2017.7.6,2018.3.1\n\nCLI Examples:\n\n.. code-block:: bash\n\n    salt '*' pillar.item foo\n    salt '*' pillar.item foo:bar\n    salt '*' pillar.item foo bar baz",
  ls: ".. versionadded:: 2015.8.0\n\nCalls the master for a fresh pillar, generates the pillar data on the\nfly (same as :py:func:`items`), but only shows the available main keys.\n\nCLI Examples:\n\n.. code-block:: bash\n\n    salt '*' pillar.ls",
  raw: "Return the raw pillar data that is currently loaded into the minion.\n\nContrast with :py:func:`items` which calls the master to fetch the most\nup-to-date Pillar.\n\nCLI Example:\n\n.. code-block:: bash\n\n    salt '*' pillar.raw\n\nWith the optional key argument, you can select a subtree of the\npillar raw data.::\n\n    salt '*' pillar.raw key='roles'",
  keys: ".. versionadded:: 2015.8.0\n\nAttempt to retrieve a list of keys from the named value from the pillar.\n\nThe value can also represent a value in a nested dict using a \":\" delimiter\nfor the dict, similar to how pillar.get works.\n\ndelimiter\n    Specify an alternate delimiter to use when traversing a nested dict\n\nCLI Example:\n\n.. code-block:: bash\n\n    salt '*' pillar.keys web:sites",
  obfuscate: ".. versionadded:: 2015.8.0\n\nSame as :py:func:`items`, but replace pillar values with a simple type indication.\n\nThis is useful to avoid displaying sensitive information on console or\nflooding the console with long output, such as certificates.\nFor many debug or control purposes, the stakes lie more in dispatching than in\nactual values.\n\nIn case the value is itself a collection type, obfuscation occurs within the value.\nFor mapping types, keys are not obfuscated.\nHere are some examples:\n\n* ``'secret password'`` becomes ``'<str>'``\n* ``['secret', 1]`` becomes ``['<str>', '<int>']``\n* ``{'login': 'somelogin', 'pwd': 'secret'}`` becomes\n  ``{'login': '<str>', 'pwd': '<str>'}``\n\nCLI Examples:\n\n.. code-block:: bash\n\n    salt '*' pillar.obfuscate",
};
for (const [name, fn] of Object.entries(mod.functions)) if (DOCS[name]) fn.doc = DOCS[name]!;

export default mod;
