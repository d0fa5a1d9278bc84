/**
 * Salt's `grains` execution module: read the minion's grains and set custom ones. Values set
 * here are kept in memory and persisted to the `grains` file next to the minion config
 * (`/etc/salt/grains`), like Salt.
 */
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { stringify } from 'yaml';
import { defineFunction } from '../loader/define.js';
import { FunctionNotAvailableError } from '../loader/errors.js';
import type { CallContext, SaltModule } from '../loader/types.js';
import { loadSaltYaml } from '../yaml/salt_yaml.js';
import * as ospath from './_pypath.js';
import { pyStr } from './_pyrepr.js';
import { deepCopy, pyEq } from './_pyvalue.js';
import { filterBy, isDict, isTrue, SaltException, traverseDictAndList } from './_salt_data.js';

const DELIM = ':';

const SANITIZERS: Record<string, (v: unknown) => unknown> = {
  serialnumber: (v) => {
    const s = pyStr(v);
    const keep = Math.floor(s.length * 0.75);
    return s.slice(0, keep) + 'X'.repeat(s.length - keep);
  },
  domain: () => 'DOMAINNAME',
  fqdn: () => 'MINION.DOMAINNAME',
  id: () => 'MINION.DOMAINNAME',
  host: () => 'MINION',
  localhost: () => 'MINION',
  nodename: () => 'MINION',
};

/** The grains file Salt persists custom grains to: `grains` beside the minion config file. */
export function grainsFilePath(opts: Record<string, unknown>): string {
  const conf = pyStr(opts.conf_file ?? '/etc/salt/minion');
  try {
    if (statSync(conf).isDirectory()) return ospath.join(conf, 'grains');
  } catch {
    /* not there: use its directory */
  }
  return ospath.join(ospath.dirname(conf), 'grains');
}

/** Reads the grains file: its mapping, `{}` when missing or not a mapping; a string on YAML errors. */
function readGrainsFile(path: string): Record<string, unknown> | string {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return {};
  }
  try {
    const data = loadSaltYaml(text);
    return isDict(data) ? data : {};
  } catch (err) {
    return `Unable to read existing grains file: ${(err as Error).message}`;
  }
}

function toYamlPlain(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(toYamlPlain);
  if (isDict(v)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, toYamlPlain(x)]));
  if (v && typeof v === 'object' && 'valueOf' in v && typeof (v as { valueOf(): unknown }).valueOf() === 'number') return (v as { valueOf(): number }).valueOf();
  return v;
}

/** Salt's `grains.setvals`: merges into the grains file and `ctx.grains`; returns what was given. */
async function setvals(ctx: CallContext, newGrains: unknown, destructive: unknown, refreshPillar: unknown): Promise<unknown> {
  if (!isDict(newGrains)) throw new SaltException('setvals grains must be a dictionary.');
  const gfn = grainsFilePath(ctx.opts);
  const current = readGrainsFile(gfn);
  if (typeof current === 'string') return current;
  for (const [key, val] of Object.entries(newGrains)) {
    if (val === null && destructive === true) {
      delete current[key];
      delete ctx.grains[key];
    } else {
      current[key] = val;
      ctx.grains[key] = val;
    }
  }
  try {
    const text = Object.keys(current).length ? stringify(toYamlPlain(current), { sortMapEntries: true, indentSeq: false }) : '{}\n';
    writeFileSync(gfn, text, 'utf8');
  } catch {
    ctx.log.error(`Unable to write to grains file at ${gfn}. Check permissions.`);
  }
  const refresh = ospath.join(pyStr(ctx.opts.cachedir ?? '/var/cache/salt/minion'), 'module_refresh');
  try {
    mkdirSync(ospath.dirname(refresh), { recursive: true });
    writeFileSync(refresh, '');
  } catch {
    ctx.log.error(`Unable to write to cache file ${refresh}. Check permissions.`);
  }
  if (!ctx.opts.local) {
    try {
      await ctx.salt('saltutil.refresh_grains', [], { refresh_pillar: refreshPillar });
    } catch (err) {
      if (!(err instanceof FunctionNotAvailableError)) throw err;
      ctx.log.debug('saltutil.refresh_grains is not available; grains were updated in memory only');
    }
  }
  return newGrains;
}

const NON_EXISTENT = Symbol('non-existent');

function valueType(v: unknown): 'simple' | 'complex' | null {
  if (v === NON_EXISTENT) return null;
  return isDict(v) || Array.isArray(v) ? 'complex' : 'simple';
}

/** Salt's `grains.set`. */
async function setGrain(ctx: CallContext, key: string, val: unknown, force: unknown, destructive: unknown, delimiter: string): Promise<Record<string, unknown>> {
  const ret: Record<string, unknown> = { comment: '', changes: {}, result: true };
  const newType = valueType(val);
  let existing = traverseDictAndList(ctx.grains, key, NON_EXISTENT, delimiter);
  const existingType = valueType(existing);
  let value: unknown = existing;
  if (existingType !== null && pyEq(existing, val) && (val !== null || destructive !== true)) {
    ret.comment = 'Grain is already set';
    return ret;
  }
  if (existing !== null && !force) {
    if (existingType === 'complex') {
      ret.comment = `The key '${key}' exists but is a dict or a list. Use 'force=True' to overwrite.`;
      ret.result = false;
      return ret;
    } else if (newType === 'complex' && existingType !== null) {
      ret.comment = `The key '${key}' exists and the given value is a dict or a list. Use 'force=True' to overwrite.`;
      ret.result = false;
      return ret;
    }
    value = val;
  } else value = val;

  let k = key;
  while (k.includes(delimiter)) {
    const at = k.lastIndexOf(delimiter);
    const rest = k.slice(at + delimiter.length);
    k = k.slice(0, at);
    existing = deepCopy(traverseDictAndList(ctx.grains, k, {}, delimiter));
    if (isDict(existing)) {
      if (value === null && destructive) delete existing[rest];
      else existing[rest] = value;
    } else if (Array.isArray(existing)) {
      let updated = false;
      existing.forEach((item, i) => {
        if (pyEq(item, rest)) {
          (existing as unknown[])[i] = { [rest]: value };
          updated = true;
        } else if (isDict(item) && Object.hasOwn(item, rest)) {
          item[rest] = value;
          updated = true;
        }
      });
      if (!updated) existing.push({ [rest]: value });
    } else if (pyEq(existing, rest) || force) {
      existing = { [rest]: value };
    } else {
      ret.comment = `The key '${k}' value is '${pyStr(existing)}', which is different from the provided key '${rest}'. Use 'force=True' to overwrite.`;
      ret.result = false;
      return ret;
    }
    value = existing;
  }
  const set = await setvals(ctx, { [k]: value }, destructive, true);
  if (isDict(set)) ret.changes = set;
  else {
    ret.comment = set;
    ret.result = false;
  }
  return ret;
}

/** Rebuilds the top-level grain for a nested key whose list was changed (append/remove). */
function nestUnder(ctx: CallContext, key: string, leaf: unknown, delimiter: string, missing: () => unknown): [string, unknown] {
  let k = key;
  let value = leaf;
  while (k.includes(delimiter)) {
    const at = k.lastIndexOf(delimiter);
    const rest = k.slice(at + delimiter.length);
    k = k.slice(0, at);
    const parent = deepCopy(traverseDictAndList(ctx.grains, k, missing(), delimiter));
    if (isDict(parent)) parent[rest] = value;
    value = parent;
  }
  return [k, value];
}

const mod: SaltModule = {
  name: 'grains',
  functions: {
    get: defineFunction(
      {
        args: ['key', 'default', 'delimiter', 'ordered'],
        defaults: { default: '', delimiter: DELIM, ordered: true },
        doc: "Attempt to retrieve the named value from grains, if the named value is not\navailable return the passed default. The default return is an empty string.\n\nThe value can also represent a value in a nested dict using a \":\" delimiter\nfor the dict. This means that if a dict in grains looks like this::\n\n    {'pkg': {'apache': 'httpd'}}\n\nTo retrieve the value associated with the apache key in the pkg dict this\nkey can be passed::\n\n    pkg:apache\n\n\n:param delimiter:\n    Specify an alternate delimiter to use when traversing a nested dict.\n    This is useful for when the desired key contains a colon. See CLI\n    example below for usage.\n\n    .. versionadded:: 2014.7.0\n\n:param ordered:\n    Outputs an ordered dict if applicable (default: True)\n\n    .. versionadded:: 2016.11.0\n\nCLI Example:\n\n.. code-block:: bash\n\n    salt '*' grains.get pkg:apache\n    salt '*' grains.get abc::def|ghi delimiter='|'",
      },
      ({ key, default: dflt, delimiter }, ctx) => traverseDictAndList(ctx.grains, pyStr(key), dflt, pyStr(delimiter)),
    ),
    fetch: defineFunction(
      {
        args: ['key', 'default', 'delimiter', 'ordered'],
        defaults: { default: '', delimiter: DELIM, ordered: true },
        pyName: 'get',
        doc: "Attempt to retrieve the named value from grains, if the named value is not\navailable return the passed default. The default return is an empty string.\n\nCLI Example:\n\n.. code-block:: bash\n\n    salt '*' grains.get pkg:apache",
      },
      ({ key, default: dflt, delimiter }, ctx) => traverseDictAndList(ctx.grains, pyStr(key), dflt, pyStr(delimiter)),
    ),
    has_value: defineFunction(
      {
        args: ['key'],
        doc: "Determine whether a key exists in the grains dictionary.\n\nGiven a grains dictionary that contains the following structure::\n\n    {'pkg': {'apache': 'httpd'}}\n\nOne would determine if the apache key in the pkg dict exists by::\n\n    pkg:apache\n\nCLI Example:\n\n.. code-block:: bash\n\n    salt '*' grains.has_value pkg:apache",
      },
      ({ key }, ctx) => traverseDictAndList(ctx.grains, pyStr(key), NON_EXISTENT) !== NON_EXISTENT,
    ),
    items: defineFunction(
      {
        args: ['sanitize'],
        defaults: { sanitize: false },
        outputter: 'nested',
        doc: "Return all of the minion's grains\n\nCLI Example:\n\n.. code-block:: bash\n\n    salt '*' grains.items\n\nSanitized CLI Example:\n\n.. code-block:: bash\n\n    salt '*' grains.items sanitize=True",
      },
      ({ sanitize }, ctx) => {
        const out = { ...ctx.grains };
        if (isTrue(sanitize)) for (const [k, fn] of Object.entries(SANITIZERS)) if (k in out) out[k] = fn(out[k]);
        return out;
      },
    ),
    item: defineFunction(
      {
        varargs: true,
        kwargs: true,
        outputter: 'nested',
        doc: "Return one or more grains\n\nCLI Example:\n\n.. code-block:: bash\n\n    salt '*' grains.item os\n    salt '*' grains.item os osrelease oscodename\n\nSanitized CLI Example:\n\n.. code-block:: bash\n\n    salt '*' grains.item host sanitize=True",
      },
      (_p, ctx, { varargs, kwargs }) => {
        const ret: Record<string, unknown> = {};
        const dflt = 'default' in kwargs ? kwargs.default : '';
        const delimiter = 'delimiter' in kwargs ? pyStr(kwargs.delimiter) : DELIM;
        for (const arg of varargs) ret[pyStr(arg)] = traverseDictAndList(ctx.grains, pyStr(arg), dflt, delimiter);
        if (isTrue(kwargs.sanitize)) for (const [k, fn] of Object.entries(SANITIZERS)) if (k in ret) ret[k] = fn(ret[k]);
        return ret;
      },
    ),
    setvals: defineFunction(
      {
        args: ['grains', 'destructive', 'refresh_pillar'],
        defaults: { destructive: false, refresh_pillar: true },
        doc: "Set new grains values in the grains config file\n\ndestructive\n    If an operation results in a key being removed, delete the key, too.\n    Defaults to False.\n\nrefresh_pillar\n    Whether pillar will be refreshed.\n    Defaults to True.\n\nCLI Example:\n\n.. code-block:: bash\n\n    salt '*' grains.setvals \"{'key1': 'val1', 'key2': 'val2'}\"",
      },
      ({ grains, destructive, refresh_pillar }, ctx) => setvals(ctx, grains, destructive, refresh_pillar),
    ),
    setval: defineFunction(
      {
        args: ['key', 'val', 'destructive', 'refresh_pillar'],
        defaults: { destructive: false, refresh_pillar: true },
        outputter: 'nested',
        doc: "Set a grains value in the grains config file\n\nkey\n    The grain key to be set.\n\nval\n    The value to set the grain key to.\n\ndestructive\n    If an operation results in a key being removed, delete the key, too.\n    Defaults to False.\n\nrefresh_pillar\n    Whether pillar will be refreshed.\n    Defaults to True.\n\nCLI Example:\n\n.. code-block:: bash\n\n    salt '*' grains.setval key val\n    salt '*' grains.setval key \"{'sub-key': 'val', 'sub-key2': 'val2'}\"",
      },
      ({ key, val, destructive, refresh_pillar }, ctx) => setvals(ctx, { [pyStr(key)]: val }, destructive, refresh_pillar),
    ),
    append: defineFunction(
      {
        args: ['key', 'val', 'convert', 'delimiter'],
        defaults: { convert: false, delimiter: DELIM },
        doc: "Append a value to a list in the grains config file. If the grain doesn't\nexist, the grain key is added and the value is appended to the new grain\nas a list item.\n\nkey\n    The grain key to be appended to\n\nval\n    The value to append to the grain key\n\nconvert\n    If convert is True, convert non-list contents into a list.\n    If convert is False and the grain contains non-list contents, an error\n    is given. Defaults to False.\n\ndelimiter\n    The key can be a nested dict key. Use this parameter to\n    specify the delimiter you use, instead of the default ``:``.\n    You can now append values to a list in nested dictionary grains. If the\n    list doesn't exist at this level, it will be created.\n\n    .. versionadded:: 2014.7.6\n\nCLI Example:\n\n.. code-block:: bash\n\n    salt '*' grains.append key val",
      },
      async ({ key, val, convert, delimiter }, ctx) => {
        const k = pyStr(key);
        const d = pyStr(delimiter);
        let grains = deepCopy(traverseDictAndList(ctx.grains, k, [], d));
        if (convert && !Array.isArray(grains)) grains = grains === null ? [] : [grains];
        if (!Array.isArray(grains)) return `The key ${k} is not a valid list`;
        if (grains.some((g) => pyEq(g, val))) return `The val ${pyStr(val)} was already in the list ${k}`;
        if (Array.isArray(val)) grains.push(...val);
        else grains.push(val);
        const [top, value] = nestUnder(ctx, k, grains, d, () => ({}));
        return setvals(ctx, { [top]: value }, false, true);
      },
    ),
    remove: defineFunction(
      {
        args: ['key', 'val', 'delimiter'],
        defaults: { delimiter: DELIM },
        doc: ".. versionadded:: 0.17.0\n\nRemove a value from a list in the grains config file\n\nkey\n    The grain key to remove.\n\nval\n    The value to remove.\n\ndelimiter\n    The key can be a nested dict key. Use this parameter to\n    specify the delimiter you use, instead of the default ``:``.\n    You can now append values to a list in nested dictionary grains. If the\n    list doesn't exist at this level, it will be created.\n\n    .. versionadded:: 2015.8.2\n\nCLI Example:\n\n.. code-block:: bash\n\n    salt '*' grains.remove key val val2",
      },
      async ({ key, val, delimiter }, ctx) => {
        const k = pyStr(key);
        const d = pyStr(delimiter);
        const grains = deepCopy(traverseDictAndList(ctx.grains, k, [], d));
        if (!Array.isArray(grains)) return `The key ${k} is not a valid list`;
        const idx = grains.findIndex((g) => pyEq(g, val));
        if (idx < 0) return `The val ${pyStr(val)} was not in the list ${k}`;
        grains.splice(idx, 1);
        const [top, value] = nestUnder(ctx, k, grains, d, () => null);
        return setvals(ctx, { [top]: value }, false, true);
      },
    ),
    delkey: defineFunction(
      {
        args: ['key', 'force'],
        defaults: { force: false },
        doc: ".. versionadded:: 2017.7.0\n\nRemove a grain completely from the grain system, this will remove the\ngrain key and value\n\nkey\n    The grain key from which to delete the value.\n\nforce\n    Force remove the grain even when it is a mapped value.\n    Defaults to False\n\nCLI Example:\n\n.. code-block:: bash\n\n    salt '*' grains.delkey key",
      },
      ({ key, force }, ctx) => setGrain(ctx, pyStr(key), null, force, true, DELIM),
    ),
    delval: defineFunction(
      {
        args: ['key', 'destructive', 'force'],
        defaults: { destructive: false, force: false },
        doc: ".. versionadded:: 0.17.0\n\nDelete a grain value from the grains config file. This will just set the\ngrain value to ``None``. To completely remove the grain, run ``grains.delkey``\nor pass ``destructive=True`` to ``grains.delval``.\n\nkey\n    The grain key from which to delete the value.\n\ndestructive\n    Delete the key, too. Defaults to False.\n\nforce\n    Force remove the grain even when it is a mapped value.\n    Defaults to False\n\nCLI Example:\n\n.. code-block:: bash\n\n    salt '*' grains.delval key",
      },
      ({ key, destructive, force }, ctx) => setGrain(ctx, pyStr(key), null, force, destructive, DELIM),
    ),
    ls: defineFunction(
      {
        doc: "Return a list of all available grains\n\nCLI Example:\n\n.. code-block:: bash\n\n    salt '*' grains.ls",
      },
      (_p, ctx) => Object.keys(ctx.grains).sort(),
    ),
    filter_by: defineFunction(
      {
        args: ['lookup_dict', 'grain', 'merge', 'default', 'base'],
        defaults: { grain: 'os_family', merge: null, default: 'default', base: null },
        doc: ".. versionadded:: 0.17.0\n\nLook up the given grain in a given dictionary for the current OS and return\nthe result\n\nAlthough this may occasionally be useful at the CLI, the primary intent of\nthis function is for use in Jinja to make short work of creating lookup\ntables for OS-specific data.\n\n:param lookup_dict: A dictionary, keyed by a grain, containing a value or\n    values relevant to systems matching that grain.\n:param grain: The name of a grain to match with the current system's\n    grains.\n:param merge: A dictionary to merge with the results of the grain selection\n    from ``lookup_dict``.\n:param default: default lookup_dict's key used if the grain does not exists\n    or if the grain value has no match on lookup_dict.\n:param base: A lookup_dict key to use for a base dictionary.\n\nCLI Example:\n\n.. code-block:: bash\n\n    salt '*' grains.filter_by '{Debian: Debheads rule, RedHat: I love my hat}'\n    # this one will render {D: {E: I, G: H}, J: K}\n    salt '*' grains.filter_by '{A: B, C: {D: {E: F, G: H}}}' 'xxx' '{D: {E: I}, J: K}' 'C'",
      },
      ({ lookup_dict, grain, merge, default: dflt, base }, ctx) =>
        filterBy(isDict(lookup_dict) ? lookup_dict : {}, pyStr(grain), ctx.grains, merge, dflt, base),
    ),
    set: defineFunction(
      {
        args: ['key', 'val', 'force', 'destructive', 'delimiter'],
        defaults: { val: '', force: false, destructive: false, delimiter: DELIM },
        doc: "Set a key to an arbitrary value. It is used like setval but works\nwith nested keys.\n\nThis function is conservative. It will only overwrite an entry if\nits value and the given one are not a list or a dict. The ``force``\nparameter is used to allow overwriting in all cases.\n\n.. versionadded:: 2015.8.0\n\n:param force: Force writing over existing entry if given or existing\n              values are list or dict. Defaults to False.\n:param destructive: If an operation results in a key being removed,\n              delete the key, too. Defaults to False.\n:param delimiter:\n    Specify an alternate delimiter to use when traversing a nested dict,\n    the default being ``:``\n\nCLI Example:\n\n.. code-block:: bash\n\n    salt '*' grains.set 'apps:myApp:port' 2209\n    salt '*' grains.set 'apps:myApp' '{port: 2209}'",
      },
      ({ key, val, force, destructive, delimiter }, ctx) => setGrain(ctx, pyStr(key), val, force, destructive, pyStr(delimiter)),
    ),
    equals: defineFunction(
      {
        args: ['key', 'value'],
        doc: "Used to make sure the minion's grain key/value matches.\n\nReturns ``True`` if matches otherwise ``False``.\n\n.. versionadded:: 2017.7.0\n\nCLI Example:\n\n.. code-block:: bash\n\n    salt '*' grains.equals fqdn <expected_fqdn>\n    salt '*' grains.equals systemd:version 219",
      },
      ({ key, value }, ctx) => pyStr(value) === pyStr(traverseDictAndList(ctx.grains, pyStr(key), '')),
    ),
  },
};

export default mod;
