/**
 * The master's file server commands (salt-wire 7.5): what `_serve_file`, `_file_hash`,
 * `_file_find`, `_file_list`, ... answer, over the `roots` backend (`file_roots`).
 */
import { receiveFile } from './recv.js';
import { RootsFileServer, rootsOptionsFrom, type FoundFile } from './roots.js';
import { splitPathQuery } from './paths.js';

type Load = Record<string, unknown>;

/** The commands {@link handleFileServerCommand} answers. */
export const FILESERVER_COMMANDS: ReadonlySet<string> = new Set([
  '_serve_file',
  '_file_hash',
  '_file_hash_and_stat',
  '_file_find',
  '_file_list',
  '_file_list_emptydirs',
  '_dir_list',
  '_symlink_list',
  '_file_envs',
  '_master_opts',
  '_file_recv',
]);

/** The `roots` backend of these options, or null when `fileserver_backend` leaves it out. */
export function fileServerFor(opts: Load): RootsFileServer | null {
  const backends = opts.fileserver_backend;
  if (Array.isArray(backends) && !backends.some((b) => b === 'roots' || b === 'root')) return null;
  if (typeof backends === 'string' && !backends.split(',').map((b) => b.trim()).includes('roots')) return null;
  return new RootsFileServer(rootsOptionsFrom(opts));
}

function envOf(load: Load): string {
  const env = load.saltenv ?? 'base';
  return typeof env === 'string' ? env : String(env);
}

/** Fileserver.find_file: the `?saltenv=` query of the path wins over the load's saltenv. */
async function findFile(fs: RootsFileServer | null, load: Load): Promise<FoundFile | null> {
  if (!fs || typeof load.path !== 'string' || load.path === '') return null;
  const { path, query } = splitPathQuery(load.path);
  const saltenv = query.saltenv ?? envOf(load);
  return fs.findFile(path, saltenv);
}

function prefixOf(load: Load): string {
  return typeof load.prefix === 'string' ? load.prefix.replace(/^\/+|\/+$/g, '') : '';
}

async function serveFile(fs: RootsFileServer | null, load: Load): Promise<Load> {
  const empty = { data: '', dest: '' };
  if (!('path' in load) || !('loc' in load) || !('saltenv' in load)) return empty;
  const loc = load.loc;
  if (typeof loc !== 'number' || !Number.isInteger(loc) || loc < 0) return empty;
  const found = await findFile(fs, load);
  if (!found || !fs) return empty;
  const gzip = typeof load.gzip === 'number' && Number.isInteger(load.gzip) && load.gzip > 0 ? load.gzip : undefined;
  try {
    const chunk = await fs.readChunk(found, loc, gzip);
    const ret: Load = { data: chunk.data.length ? chunk.data : '', dest: found.rel };
    if (chunk.gzip) ret.gzip = chunk.gzip;
    return ret;
  } catch {
    return empty;
  }
}

async function hashAndStat(fs: RootsFileServer | null, load: Load): Promise<[unknown, unknown]> {
  if (!('path' in load) || !('saltenv' in load)) return ['', null];
  const found = await findFile(fs, load);
  if (!found || !fs) return ['', null];
  try {
    const { hsum, hash_type } = await fs.fileHash(found);
    return [{ hash_type, hsum }, found.stat];
  } catch {
    return [{}, found.stat];
  }
}

async function listing(fs: RootsFileServer | null, load: Load, form: 'files' | 'dirs' | 'emptyDirs'): Promise<string[]> {
  if (!('saltenv' in load) || !fs) return [];
  const list = (await fs.list(envOf(load)))[form];
  const prefix = prefixOf(load);
  return prefix ? list.filter((f) => f.startsWith(prefix)) : list;
}

/** `_master_opts`: the master options a minion's state system needs (env names only for file_roots). */
function masterOpts(fs: RootsFileServer | null, load: Load, opts: Load): Load {
  const fileRoots: Record<string, string[]> = {};
  for (const env of fs?.envs() ?? []) fileRoots[env] = [];
  const out: Load = {
    file_roots: fileRoots,
    top_file_merging_strategy: opts.top_file_merging_strategy ?? 'merge',
    env_order: opts.env_order ?? [],
    default_top: opts.default_top ?? 'base',
  };
  if (load.env_only) return out;
  const keys: Array<[string, unknown]> = [
    ['renderer', 'jinja|yaml'],
    ['failhard', false],
    ['state_top', 'top.sls'],
    ['state_top_saltenv', null],
    ['nodegroups', {}],
    ['state_auto_order', true],
    ['state_events', false],
    ['state_aggregate', false],
    ['jinja_env', {}],
    ['jinja_sls_env', {}],
    ['jinja_lstrip_blocks', false],
    ['jinja_trim_blocks', false],
  ];
  for (const [k, dflt] of keys) out[k] = opts[k] === undefined ? dflt : opts[k];
  return out;
}

/**
 * Answers one file server command the way a Salt master does (salt-wire 7.5, 7.7 `_file_recv`).
 * `load` is the decrypted request load (token already verified), `opts` the master options
 * (`file_roots`, `file_buffer_size`, `hash_type`, `fileserver_*`, `file_ignore_*`, `file_recv*`,
 * `cachedir`).
 * @returns the reply value to encrypt, or undefined when `cmd` is not a file server command.
 *   Unsafe paths (absolute, `..`, NUL, symlinks leaving their root) get the "not found" reply.
 */
export async function handleFileServerCommand(cmd: string, load: Load, opts: Load): Promise<unknown | undefined> {
  if (!FILESERVER_COMMANDS.has(cmd)) return undefined;
  if (cmd === '_file_recv') return receiveFile(load, opts);
  const fs = fileServerFor(opts);
  switch (cmd) {
    case '_serve_file':
      return serveFile(fs, load);
    case '_file_hash':
      return (await hashAndStat(fs, load))[0];
    case '_file_hash_and_stat':
      return hashAndStat(fs, load);
    case '_file_find': {
      const found = await findFile(fs, load);
      if (!found) return { path: '', rel: '' };
      return { path: found.path, rel: found.rel, stat: found.stat, back: 'roots' };
    }
    case '_file_list':
      return listing(fs, load, 'files');
    case '_file_list_emptydirs':
      return listing(fs, load, 'emptyDirs');
    case '_dir_list':
      return listing(fs, load, 'dirs');
    case '_symlink_list': {
      if (!('saltenv' in load) || !fs) return {};
      const { links } = await fs.list(envOf(load));
      const prefix = prefixOf(load);
      return Object.fromEntries(Object.entries(links).filter(([k]) => k.startsWith(prefix)));
    }
    case '_file_envs':
      return fs?.envs() ?? [];
    case '_master_opts':
      return masterOpts(fs, load, opts);
    default:
      return undefined;
  }
}
