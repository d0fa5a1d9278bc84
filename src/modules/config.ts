/**
 * Salt's `config` execution module: look up a configuration value across the minion options,
 * grains, pillar and the master's config (as pillar `master`), then Salt's built-in defaults.
 */
import { dictUpdate } from '../config/dict_update.js';
import { defineFunction } from '../loader/define.js';
import type { CallContext, SaltModule } from '../loader/types.js';
import { fnmatch } from '../targeting/fnmatch.js';
import { pyStr } from './_pyrepr.js';
import { deepCopy } from './_pyvalue.js';
import { isDict, traverseDictAndList } from './_salt_data.js';
import { normalizeMode } from './file.js';

/** Salt's `config.DEFAULTS`: what `config.get`/`config.option` fall back to. */
export const CONFIG_DEFAULTS: Readonly<Record<string, unknown>> = {
  'mongo.db': 'salt',
  'mongo.password': '',
  'mongo.port': 27017,
  'mongo.user': '',
  'redis.db': '0',
  'redis.host': 'salt',
  'redis.port': 6379,
  'test.foo': 'unconfigured',
  'ca.cert_base_path': '/etc/pki',
  'solr.cores': [],
  'solr.host': 'localhost',
  'solr.port': '8983',
  'solr.baseurl': '/solr',
  'solr.type': 'master',
  'solr.request_timeout': null,
  'solr.init_script': '/etc/rc.d/solr',
  'solr.dih.import_options': { clean: false, optimize: true, commit: true, verbose: false },
  'solr.backup_path': null,
  'solr.num_backups': 1,
  'poudriere.config': '/usr/local/etc/poudriere.conf',
  'poudriere.config_dir': '/usr/local/etc/poudriere.d',
  'ldap.uri': '',
  'ldap.server': 'localhost',
  'ldap.port': '389',
  'ldap.tls': false,
  'ldap.no_verify': false,
  'ldap.anonymous': true,
  'ldap.scope': 2,
  'ldap.attrs': null,
  'ldap.binddn': '',
  'ldap.bindpw': '',
  'hosts.file': '/etc/hosts',
  'aliases.file': '/etc/aliases',
  virt: { tunnel: false, images: '/srv/salt-images' },
  'docker.exec_driver': 'docker-exec',
  'docker.compare_container_networks': {
    static: ['Aliases', 'Links', 'IPAMConfig'],
    automatic: ['IPAddress', 'Gateway', 'GlobalIPv6Address', 'IPv6Gateway'],
  },
};

/** The URL schemes Salt's file functions accept (`salt.utils.files.VALID_PROTOS`). */
const VALID_PROTOS = ['salt', 'file', 'http', 'https', 'ftp', 'swift', 's3'];

const MISSING = Symbol('missing');

function masterOpts(ctx: CallContext): Record<string, unknown> {
  const m = ctx.pillar.master;
  return isDict(m) ? m : {};
}

/** Python's `urlparse(uri).scheme`: the lower-cased scheme, or `''`. */
export function urlScheme(uri: string): string {
  const m = /^([A-Za-z][A-Za-z0-9+.-]*):/.exec(uri);
  return m ? m[1].toLowerCase() : '';
}

/** Salt's `config.option`. */
function option(ctx: CallContext, value: string, p: Record<string, unknown>): unknown {
  let { omit_opts, omit_grains, omit_pillar, omit_master } = p;
  if (p.omit_all) omit_opts = omit_grains = omit_pillar = omit_master = true;
  const dflt = p.default === null || p.default === undefined ? (p.wildcard ? {} : '') : p.default;
  if (!p.wildcard) {
    if (!omit_opts && Object.hasOwn(ctx.opts, value)) return ctx.opts[value];
    if (!omit_grains && Object.hasOwn(ctx.grains, value)) return ctx.grains[value];
    if (!omit_pillar && Object.hasOwn(ctx.pillar, value)) return ctx.pillar[value];
    if (!omit_master && Object.hasOwn(masterOpts(ctx), value)) return masterOpts(ctx)[value];
    if (Object.hasOwn(CONFIG_DEFAULTS, value)) return CONFIG_DEFAULTS[value];
    return dflt;
  }
  const ret: Record<string, unknown> = {};
  const sources: Array<[unknown, Record<string, unknown>]> = [
    [omit_master, masterOpts(ctx)],
    [omit_pillar, ctx.pillar],
    [omit_grains, ctx.grains],
    [omit_opts, ctx.opts],
  ];
  for (const [omit, data] of sources) {
    if (omit) continue;
    for (const k of Object.keys(data)) if (fnmatch(k, value)) ret[k] = data[k];
  }
  for (const k of Object.keys(CONFIG_DEFAULTS)) if (fnmatch(k, value) && !(k in ret)) ret[k] = CONFIG_DEFAULTS[k];
  return Object.keys(ret).length ? ret : dflt;
}

/** Salt's `dictupdate.merge` with the `recurse` or `overwrite` strategy. */
function mergeInto(dest: Record<string, unknown>, upd: Record<string, unknown>, strategy: string): Record<string, unknown> {
  if (strategy === 'overwrite') return { ...dest, ...deepCopy(upd) };
  return dictUpdate(deepCopy(dest), deepCopy(upd), true, false);
}

/** Salt's `config.get`. */
function get(ctx: CallContext, key: string, p: Record<string, unknown>): unknown {
  const delimiter = pyStr(p.delimiter);
  if (p.merge === null || p.merge === undefined) {
    const sources: Array<[unknown, unknown]> = [
      [p.omit_opts, ctx.opts],
      [p.omit_grains, ctx.grains],
      [p.omit_pillar, ctx.pillar],
      [p.omit_master, masterOpts(ctx)],
      [false, CONFIG_DEFAULTS],
    ];
    for (const [omit, data] of sources) {
      if (omit) continue;
      const ret = traverseDictAndList(data, key, MISSING, delimiter);
      if (ret !== MISSING) return ret;
    }
    return p.default;
  }
  let strategy = pyStr(p.merge);
  if (strategy !== 'recurse' && strategy !== 'overwrite') {
    ctx.log.warn(`Unsupported merge strategy '${strategy}'. Falling back to 'recurse'.`);
    strategy = 'recurse';
  }
  let data: Record<string, unknown> = { ...CONFIG_DEFAULTS };
  data = mergeInto(data, masterOpts(ctx), strategy);
  data = mergeInto(data, ctx.pillar, strategy);
  data = mergeInto(data, ctx.grains, strategy);
  data = mergeInto(data, ctx.opts, strategy);
  const ret = traverseDictAndList(data, key, MISSING, delimiter);
  return ret === MISSING ? p.default : ret;
}

/** Salt's `config.merge`: opts, then master config, then pillar; dicts and lists combined. */
function merge(ctx: CallContext, value: string, p: Record<string, unknown>): unknown {
  let ret: unknown = null;
  const combine = (tmp: unknown): boolean => {
    if (ret === null) {
      ret = tmp;
      return typeof ret === 'string';
    }
    if (isDict(ret) && isDict(tmp)) ret = { ...tmp, ...ret };
    else if (Array.isArray(ret) && Array.isArray(tmp)) ret = [...ret, ...tmp];
    return false;
  };
  if (!p.omit_opts && Object.hasOwn(ctx.opts, value)) {
    ret = ctx.opts[value];
    if (typeof ret === 'string') return ret;
  }
  if (!p.omit_master && Object.hasOwn(masterOpts(ctx), value) && combine(masterOpts(ctx)[value])) return ret;
  if (!p.omit_pillar && Object.hasOwn(ctx.pillar, value) && combine(ctx.pillar[value])) return ret;
  if (ret === null && Object.hasOwn(CONFIG_DEFAULTS, value)) return CONFIG_DEFAULTS[value];
  return ret === null ? p.default : ret;
}

const OPTION_DOC = `Returns the setting for the specified config value. The priority for
matches is the same as in :py:func:\`config.get <salt.modules.config.get>\`,
only this function does not recurse into nested data structures. Another
difference between this function and :py:func:\`config.get
<salt.modules.config.get>\` is that it comes with a set of "sane defaults".
To view these, you can run the following command:

.. code-block:: bash

    salt '*' config.option '*' omit_all=True wildcard=True

default
    The default value if no match is found. If not specified, then the
    fallback default will be an empty string, unless \`\`wildcard=True\`\`, in
    which case the return will be an empty dictionary.

omit_opts : False
    Pass as \`\`True\`\` to exclude matches from the minion configuration file

omit_grains : False
    Pass as \`\`True\`\` to exclude matches from the grains

omit_pillar : False
    Pass as \`\`True\`\` to exclude matches from the pillar data

omit_master : False
    Pass as \`\`True\`\` to exclude matches from the master configuration file

omit_all : True
    Shorthand to omit all of the above and return matches only from the
    "sane defaults".

    .. versionadded:: 3000

wildcard : False
    If used, this will perform pattern matching on keys. Note that this
    will also significantly change the return data. Instead of only a value
    being returned, a dictionary mapping the matched keys to their values
    is returned.

    .. versionadded:: 3000

CLI Example:

.. code-block:: bash

    salt '*' config.option redis.host`;

const GET_DOC = `.. versionadded:: 0.14.0

Attempt to retrieve the named value from the minion config file, pillar,
grains or the master config. If the named value is not available, return
the value specified by the \`\`default\`\` argument. If this argument is not
specified, \`\`default\`\` falls back to an empty string.

Values can also be retrieved from nested dictionaries. Assume the below
data structure:

.. code-block:: python

    {'pkg': {'apache': 'httpd'}}

To retrieve the value associated with the \`\`apache\`\` key, in the
sub-dictionary corresponding to the \`\`pkg\`\` key, the following command can
be used:

.. code-block:: bash

    salt myminion config.get pkg:apache

The \`\`:\`\` (colon) is used to represent a nested dictionary level.

The search order is: the minion config (\`\`__opts__\`\`), the grains, the pillar,
the master config (pillar \`\`master\`\`), then Salt's defaults.

delimiter
    Override the delimiter used to separate nested levels of a data
    structure.

merge
    If passed, this parameter will change the behavior of the function so
    that, instead of traversing each source and looking for a value, each
    source is merged with the others. Valid values are \`\`recurse\`\` and
    \`\`overwrite\`\`.

CLI Example:

.. code-block:: bash

    salt '*' config.get pkg:apache
    salt '*' config.get lxc.container_profile:centos merge=recurse`;

const mod: SaltModule = {
  name: 'config',
  functions: {
    backup_mode: defineFunction(
      {
        args: ['backup'],
        defaults: { backup: '' },
        doc: "Return the backup mode\n\nCLI Example:\n\n.. code-block:: bash\n\n    salt '*' config.backup_mode",
      },
      ({ backup }, ctx) => (backup ? backup : option(ctx, 'backup_mode', { default: null })),
    ),
    manage_mode: defineFunction(
      {
        args: ['mode'],
        doc: "Return a mode value, normalized to a string\n\nCLI Example:\n\n.. code-block:: bash\n\n    salt '*' config.manage_mode",
      },
      ({ mode }) => normalizeMode(mode),
    ),
    valid_fileproto: defineFunction(
      {
        args: ['uri'],
        doc: "Returns a boolean value based on whether or not the URI passed has a valid\nremote file protocol designation\n\nCLI Example:\n\n.. code-block:: bash\n\n    salt '*' config.valid_fileproto salt://path/to/file",
      },
      ({ uri }) => VALID_PROTOS.includes(urlScheme(pyStr(uri))),
    ),
    option: defineFunction(
      {
        args: ['value', 'default', 'omit_opts', 'omit_grains', 'omit_pillar', 'omit_master', 'omit_all', 'wildcard'],
        defaults: { default: null, omit_opts: false, omit_grains: false, omit_pillar: false, omit_master: false, omit_all: false, wildcard: false },
        doc: OPTION_DOC,
      },
      (p, ctx) => option(ctx, pyStr(p.value), p),
    ),
    merge: defineFunction(
      {
        args: ['value', 'default', 'omit_opts', 'omit_master', 'omit_pillar'],
        defaults: { default: '', omit_opts: false, omit_master: false, omit_pillar: false },
        doc: "Retrieves an option based on key, merging all matches.\n\nSame as ``option()`` except that it merges all matches, rather than taking\nthe first match.\n\nCLI Example:\n\n.. code-block:: bash\n\n    salt '*' config.merge schedule",
      },
      (p, ctx) => merge(ctx, pyStr(p.value), p),
    ),
    get: defineFunction(
      {
        args: ['key', 'default', 'delimiter', 'merge', 'omit_opts', 'omit_pillar', 'omit_master', 'omit_grains'],
        defaults: { default: '', delimiter: ':', merge: null, omit_opts: false, omit_pillar: false, omit_master: false, omit_grains: false },
        doc: GET_DOC,
      },
      (p, ctx) => get(ctx, pyStr(p.key), p),
    ),
    dot_vals: defineFunction(
      {
        args: ['value'],
        doc: "Pass in a configuration value that should be preceded by the module name\nand a dot, this will return a list of all read key/value pairs\n\nCLI Example:\n\n.. code-block:: bash\n\n    salt '*' config.dot_vals host",
      },
      ({ value }, ctx) => {
        const prefix = `${pyStr(value)}.`;
        const ret: Record<string, unknown> = {};
        for (const [k, v] of Object.entries(masterOpts(ctx))) if (k.startsWith(prefix)) ret[k] = v;
        for (const [k, v] of Object.entries(ctx.opts)) if (k.startsWith(prefix)) ret[k] = v;
        return ret;
      },
    ),
    items: defineFunction(
      {
        doc: "Return the complete config from the currently running minion process.\nThis includes defaults for values not set in the config file.\n\nCLI Example:\n\n.. code-block:: bash\n\n    salt '*' config.items",
      },
      (_p, ctx) => ctx.opts,
    ),
  },
};

export default mod;
