/**
 * Salt's `mine` execution module: run the `mine_functions` and send their results to the master
 * (`_mine`), read other minions' mine data (`_mine_get`), delete or flush this minion's. The
 * master is reached through `ctx.minion.request`; with `file_client: local` the mine lives in
 * the minion's own datastore (`cachedir/datastore`, key `mine_cache`).
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { defineFunction } from '../loader/define.js';
import type { CallContext, SaltModule } from '../loader/types.js';
import { MINE_ITEM_ACL_DATA, MINE_ITEM_ACL_ID, parseFunctionDefinition, wrapAclStructure } from '../mine/acl.js';
import { packBin, unpackBin } from '../protocol/binpack.js';

type Dict = Record<string, unknown>;

function isDict(v: unknown): v is Dict {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !Buffer.isBuffer(v);
}

function isLocal(ctx: CallContext): boolean {
  return ctx.opts.file_client === 'local';
}

// ---- masterless datastore (Salt's `data` module file) -----------------------------------------

function datastorePath(ctx: CallContext): string {
  return join(String(ctx.opts.cachedir ?? '/var/cache/salt/minion'), 'datastore');
}

function readDatastore(ctx: CallContext): Dict {
  try {
    const d = unpackBin(readFileSync(datastorePath(ctx)));
    return isDict(d) ? d : {};
  } catch {
    return {};
  }
}

function updateDatastore(ctx: CallContext, key: string, value: unknown): boolean {
  const store = readDatastore(ctx);
  store[key] = value;
  const path = datastorePath(ctx);
  try {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(`${path}.tmp`, packBin(store));
    renameSync(`${path}.tmp`, path);
    return true;
  } catch (err) {
    ctx.log.error(`Could not write the datastore ${path}: ${(err as Error).message}`);
    return false;
  }
}

// ---- master requests --------------------------------------------------------------------------

/** Sends a mine load to the master; false (logged) when there is no master link or it fails. */
async function sendToMaster(ctx: CallContext, load: Dict): Promise<unknown> {
  const request = ctx.minion?.request;
  if (!request) {
    ctx.log.error('Mine could not authenticate with master. Mine could not be retrieved.');
    return false;
  }
  try {
    return await request(load);
  } catch (err) {
    ctx.log.warn(`Unable to send mine data to master: ${(err as Error).message}`);
    return false;
  }
}

/** Stores results: in the datastore when masterless, else on the master (`_mine`). */
async function mineStore(ctx: CallContext, data: Dict, clear = false): Promise<unknown> {
  if (isLocal(ctx)) {
    let value = data;
    if (!clear) {
      const old = readDatastore(ctx).mine_cache;
      if (isDict(old)) value = Object.assign(old, data);
    }
    return updateDatastore(ctx, 'mine_cache', value);
  }
  const reply = await sendToMaster(ctx, { cmd: '_mine', data, id: ctx.opts.id, clear });
  return reply === false ? false : true;
}

/** Salt's `clean_kwargs`: drops the `__pub_*` (and other dunder) keywords. */
function cleanKwargs(kwargs: Dict): Dict {
  return Object.fromEntries(Object.entries(kwargs).filter(([k]) => !k.startsWith('__')));
}

async function mineFunctions(ctx: CallContext): Promise<Dict> {
  const merged = await ctx.salt('config.merge', ['mine_functions', {}]);
  return isDict(merged) ? merged : {};
}

async function update(ctx: CallContext, clear: boolean, given: unknown): Promise<unknown> {
  let functions: Dict;
  if (!given) {
    functions = await mineFunctions(ctx);
    if (Object.keys(functions).length === 0) return null;
  } else if (Array.isArray(given)) {
    functions = Object.fromEntries(given.map((f) => [String(f), {}]));
  } else if (isDict(given)) {
    functions = given;
  } else {
    return null;
  }
  const data: Dict = {};
  for (const [alias, def] of Object.entries(functions)) {
    const parsed = parseFunctionDefinition(structuredClone(def));
    const fun = parsed.name ?? alias;
    let res: unknown;
    try {
      res = await ctx.salt(fun, parsed.args, parsed.kwargs);
    } catch (err) {
      ctx.log.error(`Function ${fun} in mine.update failed to execute`);
      ctx.log.debug(`Error: ${(err as Error).stack ?? err}`);
      continue;
    }
    data[alias] = parsed.acl.allow_tgt ? wrapAclStructure(res, parsed.acl.allow_tgt, parsed.acl.allow_tgt_type) : res;
  }
  return mineStore(ctx, data, clear);
}

async function send(ctx: CallContext, name: string, args: unknown[], rawKwargs: Dict): Promise<unknown> {
  const kwargs = cleanKwargs(rawKwargs);
  const fun = typeof kwargs.mine_function === 'string' ? kwargs.mine_function : name;
  const allowTgt = kwargs.allow_tgt;
  const allowTgtType = kwargs.allow_tgt_type;
  delete kwargs.mine_function;
  delete kwargs.allow_tgt;
  delete kwargs.allow_tgt_type;
  let res: unknown;
  try {
    res = await ctx.salt(fun, args, kwargs);
  } catch (err) {
    ctx.log.error(`Function ${fun} in mine.send failed to execute`);
    ctx.log.debug(`Error: ${(err as Error).stack ?? err}`);
    return false;
  }
  return mineStore(ctx, { [name]: allowTgt ? wrapAclStructure(res, allowTgt, allowTgtType) : res });
}

function requested(fun: unknown): { functions: string[]; byFunction: boolean } | undefined {
  if (typeof fun === 'string') {
    const functions = [...new Set(fun.split(','))];
    return { functions, byFunction: functions.length > 1 };
  }
  if (Array.isArray(fun)) return { functions: fun.map(String), byFunction: true };
  return undefined;
}

async function get(ctx: CallContext, tgt: unknown, fun: unknown, tgtType: string, excludeMinion: boolean): Promise<unknown> {
  const id = String(ctx.opts.id ?? '');
  if (isLocal(ctx)) {
    const ret: Dict = {};
    if (!(await ctx.salt(`match.${tgtType}`, [tgt]))) return ret;
    const data = readDatastore(ctx).mine_cache;
    const req = requested(fun);
    if (!isDict(data) || !req) return ret;
    for (const f of req.functions) {
      if (!(f in data)) continue;
      const entry = data[f];
      const res = isDict(entry) && MINE_ITEM_ACL_ID in entry ? entry[MINE_ITEM_ACL_DATA] : entry;
      if (req.byFunction) ((ret[f] ??= {}) as Dict)[id] = res;
      else ret[id] = res;
    }
    return ret;
  }
  const ret = await sendToMaster(ctx, { cmd: '_mine_get', id, tgt, fun, tgt_type: tgtType });
  if (excludeMinion && isDict(ret)) delete ret[id];
  return ret;
}

const mod: SaltModule = {
  name: 'mine',
  functions: {
    update: defineFunction(
      {
        args: ['clear', 'mine_functions'],
        defaults: { clear: false, mine_functions: null },
        doc: "Call the configured functions and send the data back up to the master.\nThe functions to be called are merged from the master config, pillar and\nminion config under the option `mine_functions`:\n\n.. code-block:: yaml\n\n    mine_functions:\n      network.ip_addrs:\n        - eth0\n      disk.usage: []\n\nThis function accepts the following arguments:\n\n:param bool clear: Default: ``False``\n    Specifies whether updating will clear the existing values (``True``), or\n    whether it will update them (``False``).\n\n:param dict mine_functions:\n    Update (or clear, see ``clear``) the mine data on these functions only.\n\nCLI Example:\n\n.. code-block:: bash\n\n    salt '*' mine.update",
      },
      ({ clear, mine_functions }, ctx) => update(ctx, !!clear, mine_functions),
    ),
    send: defineFunction(
      {
        args: ['name'],
        varargs: true,
        kwargs: true,
        doc: "Send a specific function and its result to the salt mine.\nThis gets stored in either the local cache, or the salt master's cache.\n\n:param str name: Name of the function to add to the mine.\n\nThe following pameters are extracted from kwargs if present:\n\n:param str mine_function: The name of the execution_module.function to run\n    and whose value will be stored in the salt mine. Defaults to ``name``.\n:param str allow_tgt: Targeting specification for ACL.\n:param str allow_tgt_type: Type of the targeting specification.\n\nRemaining args and kwargs will be passed on to the function to run.\n\n:rtype: bool\n:return: Whether executing the function and storing the information was successful.\n\nCLI Example:\n\n.. code-block:: bash\n\n    salt '*' mine.send network.ip_addrs interface=eth0\n    salt '*' mine.send eth0_ip_addrs mine_function=network.ip_addrs interface=eth0",
      },
      ({ name }, ctx, { varargs, kwargs }) => send(ctx, String(name), varargs, kwargs),
    ),
    get: defineFunction(
      {
        args: ['tgt', 'fun', 'tgt_type', 'exclude_minion'],
        defaults: { tgt_type: 'glob', exclude_minion: false },
        doc: "Get data from the mine.\n\n:param str tgt: Target whose mine data to get.\n:param fun: Function to get the mine data of. You can specify multiple functions\n    to retrieve using either a list or a comma-separated string of functions.\n:type fun: str or list\n:param str tgt_type: Default ``glob``. Target type to use with ``tgt``.\n:param bool exclude_minion: Excludes the current minion from the result set.\n\nCLI Example:\n\n.. code-block:: bash\n\n    salt '*' mine.get '*' network.interfaces\n    salt '*' mine.get 'os:Fedora' network.interfaces grain\n    salt '*' mine.get 'G@os:Fedora and S@192.168.5.0/24' network.ipaddrs compound",
      },
      ({ tgt, fun, tgt_type, exclude_minion }, ctx) => get(ctx, tgt, fun, String(tgt_type), !!exclude_minion),
    ),
    delete: defineFunction(
      {
        args: ['fun'],
        doc: "Remove specific function contents of minion.\n\n:param str fun: The name of the function.\n:rtype: bool\n:return: True on success.\n\nCLI Example:\n\n.. code-block:: bash\n\n    salt '*' mine.delete 'network.interfaces'",
      },
      async ({ fun }, ctx) => {
        if (isLocal(ctx)) {
          const data = readDatastore(ctx).mine_cache;
          if (isDict(data)) delete data[String(fun)];
          return updateDatastore(ctx, 'mine_cache', data ?? null);
        }
        return (await sendToMaster(ctx, { cmd: '_mine_delete', id: ctx.opts.id, fun })) === false ? false : true;
      },
    ),
    flush: defineFunction(
      { doc: "Remove all mine contents of minion.\n\n:rtype: bool\n:return: True on success\n\nCLI Example:\n\n.. code-block:: bash\n\n    salt '*' mine.flush" },
      async (_p, ctx) => {
        if (isLocal(ctx)) return updateDatastore(ctx, 'mine_cache', {});
        return (await sendToMaster(ctx, { cmd: '_mine_flush', id: ctx.opts.id })) === false ? false : true;
      },
    ),
    valid: defineFunction(
      { doc: "List valid entries in mine configuration.\n\nCLI Example:\n\n.. code-block:: bash\n\n    salt '*' mine.valid" },
      async (_p, ctx) => {
        const functions = await mineFunctions(ctx);
        if (Object.keys(functions).length === 0) return null;
        const ret: Dict = {};
        for (const [alias, def] of Object.entries(functions)) {
          const parsed = parseFunctionDefinition(structuredClone(def));
          const fun = parsed.name ?? alias;
          if (!(await ctx.loader.listFunctions()).includes(fun)) {
            ctx.log.error(`Function ${fun} in mine_functions not available`);
            continue;
          }
          ret[alias] = parsed.name ? { [parsed.name]: [...parsed.args, ...Object.entries(parsed.kwargs).map(([k, v]) => ({ [k]: v }))] } : def;
        }
        return ret;
      },
    ),
  },
};

export default mod;
