/**
 * The minion's file client (Salt's `RemoteClient`): fetches `salt://` files from the master's
 * file server through a request function (the minion's encrypted request channel), keeps a
 * cache under `cachedir/files/<saltenv>/` and skips downloads whose hash did not change.
 * The same class over a local request function (the master's command handler run against the
 * minion's own `file_roots`) is the masterless client, like Salt's `FSClient`.
 */
import { createReadStream } from 'node:fs';
import { mkdir, open, readFile, realpath, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join, posix } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { registerRemoteFileClient } from '../state/file_client.js';
import type { FetchedFile, FileClient } from '../state/types.js';
import { fnmatch } from '../targeting/fnmatch.js';
import { pyRegex } from '../targeting/pyregex.js';
import { FileClientUnavailableError, FileTransportError } from './errors.js';
import { cleanRelativePath, createSaltUrl, parseSaltUrl, safeEnvName } from './paths.js';
import { hashFileAt, statList } from './roots.js';
import { handleFileServerCommand } from './server.js';

type Load = Record<string, unknown>;

/** Sends one request load to the master and resolves with the decrypted reply. */
export type FileRequest = (load: Load) => Promise<unknown>;

/** A file hash as the file server reports it. */
export interface FileHash {
  hsum: string;
  hash_type: string;
}

/** How a {@link RemoteFileClient} is set up. */
export interface RemoteFileClientOptions {
  /** The minion options (`cachedir`, `id`, `hash_type`, `file_buffer_size`, `saltenv`). */
  opts: Record<string, unknown>;
  /** Talks to the file server (the minion's request channel, or the local command handler). */
  request: FileRequest;
  /** False for the masterless client: `cp.push` needs a master. Default true. */
  canPush?: boolean;
}

/** Options of {@link RemoteFileClient.push} (Salt's `cp.push` keywords). */
export interface PushOptions {
  keepSymlinks?: boolean;
  uploadPath?: string | null;
  removeSource?: boolean;
}

function isMap(v: unknown): v is Load {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !Buffer.isBuffer(v);
}

/** Text from a wire value (text, or bytes that were not valid UTF-8). */
function asText(v: unknown): string {
  return Buffer.isBuffer(v) ? v.toString('utf8') : typeof v === 'string' ? v : String(v);
}

function textList(v: unknown): string[] {
  return Array.isArray(v) ? v.map(asText) : [];
}

/**
 * The bytes of a `_serve_file` chunk. The channel decodes valid UTF-8 into text; re-encoding
 * that text as UTF-8 gives back exactly the bytes that were sent.
 */
export function chunkToBuffer(data: unknown): Buffer | null {
  if (Buffer.isBuffer(data)) return data;
  if (data instanceof Uint8Array) return Buffer.from(data);
  if (typeof data === 'string') return Buffer.from(data, 'utf8');
  return null;
}

function asHash(v: unknown): FileHash | null {
  if (!isMap(v) || v.hsum === undefined) return null;
  return { hsum: asText(v.hsum), hash_type: asText(v.hash_type ?? 'sha256') };
}

async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}

async function isDir(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory();
  } catch {
    return false;
  }
}

/** Salt's `check_include_exclude`: globs, or Python regexes (searched) when prefixed `E@`. */
export function checkIncludeExclude(path: string, includePat?: unknown, excludePat?: unknown): boolean {
  const check = (pat: unknown): boolean => {
    const p = String(pat);
    return p.startsWith('E@') ? pyRegex(p.slice(2)).test(path) : fnmatch(path, p);
  };
  const pats = (v: unknown): unknown[] => (Array.isArray(v) ? v : [v]);
  const inc = includePat ? pats(includePat).some(check) : true;
  const exc = excludePat ? !pats(excludePat).some(check) : true;
  return inc && exc;
}

/** The master-backed file client (also the masterless one, see the module doc). */
export class RemoteFileClient implements FileClient {
  readonly opts: Record<string, unknown>;
  private readonly request: FileRequest;
  private readonly canPush: boolean;
  private readonly listCache = new Map<string, string[]>();

  constructor(options: RemoteFileClientOptions) {
    this.opts = options.opts;
    this.request = options.request;
    this.canPush = options.canPush ?? true;
  }

  private get cachedir(): string {
    return String(this.opts.cachedir ?? '/var/cache/salt/minion');
  }

  private send(load: Load): Promise<unknown> {
    return this.request(load);
  }

  // ---- FileClient (used by the state system) ----------------------------------------------

  /** `_file_envs`, `base` first. */
  async envs(): Promise<string[]> {
    const envs = textList(await this.send({ cmd: '_file_envs' }));
    return envs.includes('base') ? ['base', ...envs.filter((e) => e !== 'base')] : envs;
  }

  /** `_file_list` of an environment (memoised for this client's lifetime). */
  async listFiles(saltenv: string): Promise<string[]> {
    const hit = this.listCache.get(saltenv);
    if (hit) return hit;
    const list = await this.fileList(saltenv);
    this.listCache.set(saltenv, list);
    return list;
  }

  /** Caches `salt://<path>` from `saltenv` and returns the cached copy, or null when absent. */
  async getFile(saltenv: string, path: string): Promise<FetchedFile | null> {
    const dest = await this.cacheFile(createSaltUrl(path), saltenv);
    if (!dest) return null;
    return { path: dest, data: await readFile(dest) };
  }

  // ---- listings ---------------------------------------------------------------------------

  /** Every file of an environment below `prefix` (`cp.list_master`). */
  async fileList(saltenv = 'base', prefix = ''): Promise<string[]> {
    return textList(await this.send({ cmd: '_file_list', saltenv, prefix }));
  }

  /** Every directory of an environment below `prefix` (`cp.list_master_dirs`). */
  async dirList(saltenv = 'base', prefix = ''): Promise<string[]> {
    return textList(await this.send({ cmd: '_dir_list', saltenv, prefix }));
  }

  /** Every empty directory of an environment below `prefix`. */
  async emptyDirList(saltenv = 'base', prefix = ''): Promise<string[]> {
    return textList(await this.send({ cmd: '_file_list_emptydirs', saltenv, prefix }));
  }

  /** Symlinks of an environment below `prefix` → their targets (`cp.list_master_symlinks`). */
  async symlinkList(saltenv = 'base', prefix = ''): Promise<Record<string, string>> {
    const reply = await this.send({ cmd: '_symlink_list', saltenv, prefix });
    if (reply instanceof Map) return Object.fromEntries([...reply].map(([k, v]) => [asText(k), asText(v)]));
    return isMap(reply) ? Object.fromEntries(Object.entries(reply).map(([k, v]) => [k, asText(v)])) : {};
  }

  /** The SLS names of an environment (`cp.list_states`): `a/b.sls` → `a.b`, `a/init.sls` → `a`. */
  async listStates(saltenv = 'base'): Promise<string[]> {
    const states = new Set<string>();
    for (const path of await this.fileList(saltenv)) {
      if (!path.endsWith('.sls')) continue;
      states.add(path.endsWith('/init.sls') ? path.replace(/\//g, '.').slice(0, -9) : path.replace(/\//g, '.').slice(0, -4));
    }
    return [...states].sort();
  }

  /** `_master_opts`. */
  async masterOpts(): Promise<unknown> {
    return this.send({ cmd: '_master_opts' });
  }

  // ---- hashes -----------------------------------------------------------------------------

  /**
   * Salt's `hash_file`: for `salt://` the master's `{hsum, hash_type}` (`""` when the file does
   * not exist); for a local path its hash with the minion's `hash_type`, and for a missing local
   * file Salt's `[{}, None]`.
   */
  async hashFile(url: string, saltenv = 'base'): Promise<unknown> {
    if (!url.startsWith('salt://')) {
      if (!(await isFile(url))) return [{}, null];
      const hashType = String(this.opts.hash_type ?? 'sha256');
      return { hsum: await hashFileAt(url, hashType), hash_type: hashType };
    }
    const { path, saltenv: senv } = parseSaltUrl(url);
    const reply = await this.send({ cmd: '_file_hash', path, saltenv: senv ?? saltenv });
    return isMap(reply) ? Object.fromEntries(Object.entries(reply).map(([k, v]) => [k, asText(v)])) : reply === '' || reply === null ? '' : reply;
  }

  /** Salt's `hash_and_stat_file`: the hash and the `os.stat` list (or null). */
  async hashAndStatFile(url: string, saltenv = 'base'): Promise<[unknown, unknown]> {
    const hash = await this.hashFile(url, saltenv);
    if (!url.startsWith('salt://')) {
      if (!(await isFile(url))) return [hash, null];
      return [hash, await statList(url)];
    }
    const { path, saltenv: senv } = parseSaltUrl(url);
    const fnd = await this.send({ cmd: '_file_find', path, saltenv: senv ?? saltenv });
    return [hash, isMap(fnd) && Array.isArray(fnd.stat) ? fnd.stat : null];
  }

  // ---- downloads --------------------------------------------------------------------------

  /** Where `path` of `saltenv` is cached: `cachedir/files/<saltenv>/<path>`; null for unsafe names. */
  cachePath(path: string, saltenv: string): string | null {
    const rel = cleanRelativePath(path.replace(/^[|/]+/, ''));
    if (rel === null || !safeEnvName(saltenv)) return null;
    return join(this.cachedir, 'files', saltenv, rel);
  }

  /**
   * Salt's `RemoteClient.get_file`: downloads `salt://path` to `dest` (a file, or a directory
   * when it exists or ends in `/`), or into the cache when `dest` is empty. Skips the transfer
   * when the local copy's hash equals the master's.
   * @returns the local path, or false when the file does not exist on the master or `dest`'s
   *   directory is missing without `makedirs`.
   * @throws FileTransportError when the master's replies are not file chunks (after 3 tries).
   */
  async getFileTo(url: string, dest: string, options: { makedirs?: boolean; saltenv?: string; gzip?: number | null } = {}): Promise<string | false> {
    const parsed = parseSaltUrl(url);
    const saltenv = parsed.saltenv ?? options.saltenv ?? 'base';
    const rel = cleanRelativePath(parsed.path);
    if (!url.startsWith('salt://') || rel === null) return false;
    const serverHash = asHash(await this.hashFile(createSaltUrl(rel), saltenv));
    if (!serverHash) return false;
    let target = dest;
    if (target && ((await isDir(target)) || target.endsWith('/'))) target = join(target, basename(rel));
    const cached = !target;
    if (cached) {
      const loc = this.cachePath(rel, saltenv);
      if (!loc) return false;
      target = loc;
    }
    if (await isFile(target)) {
      try {
        if ((await hashFileAt(target, serverHash.hash_type)) === serverHash.hsum) return target;
      } catch {
        /* unknown hash type or unreadable: download again */
      }
    }
    const dir = dirname(target);
    if (!(await isDir(dir))) {
      if (!cached && !options.makedirs) return false;
      await mkdir(dir, { recursive: true, mode: cached ? 0o700 : 0o777 });
    }
    if (cached && (await isDir(target))) await rm(target, { recursive: true, force: true });
    const tmp = cached ? join(dir, `.${basename(target)}.${process.pid}.${Date.now().toString(36)}.part`) : target;
    const load: Load = { cmd: '_serve_file', path: rel, saltenv };
    if (options.gzip) load.gzip = Math.trunc(Number(options.gzip));
    const fh = await open(tmp, 'w');
    let written = 0;
    let broken = 0;
    try {
      for (;;) {
        load.loc = written;
        const reply = await this.send(load);
        const chunk = isMap(reply) && 'data' in reply ? chunkToBuffer(reply.data) : null;
        if (!chunk) {
          if (++broken > 3) throw new FileTransportError(`The master's file server sent no file data for salt://${rel} (saltenv ${saltenv})`);
          continue;
        }
        if (!chunk.length) break;
        const bytes = isMap(reply) && reply.gzip ? gunzipSync(chunk) : chunk;
        await fh.write(bytes, 0, bytes.length, written);
        written += bytes.length;
      }
    } catch (err) {
      await fh.close();
      if (cached) await rm(tmp, { force: true });
      throw err;
    }
    await fh.close();
    if (cached) await rename(tmp, target);
    return target;
  }

  /**
   * Salt's `cache_file`: a `salt://` URL is downloaded into the cache (its path returned, false
   * when it does not exist); a local absolute path (or `file://`) is returned as it is.
   * @throws FileClientUnavailableError for other URL schemes (http, s3, ... are not supported).
   */
  async cacheFile(url: string, saltenv = 'base'): Promise<string | false> {
    if (url.startsWith('salt://')) return this.getFileTo(url, '', { makedirs: true, saltenv });
    const local = url.startsWith('file://') ? url.slice('file://'.length) : url;
    if (/^[a-z][a-z0-9+.-]*:\/\//i.test(local)) throw new FileClientUnavailableError(`Fetching ${url} is not supported: only salt:// and local paths are`);
    if (!isAbsolute(local)) throw new FileClientUnavailableError(`Path '${local}' is not absolute`);
    return local;
  }

  /** Salt's `cache_files`: a list (or comma-separated text) of URLs, each cached. */
  async cacheFiles(paths: string[] | string, saltenv = 'base'): Promise<Array<string | false>> {
    const list = typeof paths === 'string' ? paths.split(',') : paths;
    const out: Array<string | false> = [];
    for (const p of list) out.push(await this.cacheFile(p, saltenv));
    return out;
  }

  /**
   * Salt's `cache_dir`: caches every file below `salt://path/` passing the include/exclude
   * patterns, and with `includeEmpty` creates the empty directories too.
   */
  async cacheDir(url: string, saltenv = 'base', includeEmpty = false, includePat?: unknown, excludePat?: unknown): Promise<string[]> {
    if (!url.startsWith('salt://')) throw new FileClientUnavailableError(`Unsupported path: ${url}`);
    let path = parseSaltUrl(url).path;
    if (!path.endsWith('/')) path += '/';
    const out: string[] = [];
    for (const fn of await this.fileList(saltenv)) {
      if (!fn.trim() || !fn.startsWith(path) || !checkIncludeExclude(fn, includePat, excludePat)) continue;
      const got = await this.cacheFile(createSaltUrl(fn), saltenv);
      if (got) out.push(got);
    }
    if (includeEmpty) {
      for (const fn of await this.emptyDirList(saltenv)) {
        if (!fn.startsWith(path)) continue;
        const dir = this.cachePath(fn, saltenv);
        if (!dir) continue;
        await mkdir(dir, { recursive: true });
        out.push(`${join(this.cachedir, 'files', saltenv)}/${fn}`);
      }
    }
    return out;
  }

  /** Salt's `get_dir`: copies `salt://path` recursively under `dest` (empty dirs included). */
  async getDir(url: string, dest: string, saltenv = 'base', gzip?: number | null): Promise<string[]> {
    if (!url.startsWith('salt://')) throw new FileClientUnavailableError(`Unsupported path: ${url}`);
    const path = parseSaltUrl(url).path.replace(/\/+$/, '');
    const slash = path.lastIndexOf('/');
    const prefix = slash < 0 ? '' : path.slice(0, slash);
    const out: string[] = [];
    for (const fn of await this.fileList(saltenv, path)) {
      if (fn[path.length] !== '/' && path !== '') continue;
      const minionRel = fn.slice(prefix.length).replace(/^\/+/, '');
      out.push(String(await this.getFileTo(createSaltUrl(fn), `${dest}/${minionRel}`, { makedirs: true, saltenv, gzip })));
    }
    for (const fn of await this.emptyDirList(saltenv, path)) {
      if (fn[path.length] !== '/' && path !== '') continue;
      const dir = `${dest}/${fn.slice(prefix.length).replace(/^\/+/, '')}`;
      await mkdir(dir, { recursive: true });
      out.push(dir);
    }
    return out.sort();
  }

  /** Salt's `is_cached`: the cached copy's path, or `""`. */
  async isCached(url: string, saltenv = 'base'): Promise<string> {
    let path = url;
    let env = saltenv;
    if (url.startsWith('salt://')) {
      const parsed = parseSaltUrl(url);
      path = parsed.path;
      if (parsed.saltenv) env = parsed.saltenv;
    }
    const rel = path.replace(/^[|/]+/, '');
    const filesDest = this.cachePath(rel, env);
    if (filesDest && (await stat(filesDest).then(() => true, () => false))) return filesDest;
    const local = cleanRelativePath(rel);
    if (local !== null) {
      const localDest = join(this.cachedir, 'localfiles', local);
      if (await stat(localDest).then(() => true, () => false)) return localDest;
    }
    return '';
  }

  // ---- uploads ----------------------------------------------------------------------------

  /**
   * Salt's `cp.push`: uploads a local file to the master (`_file_recv` chunks) into
   * `cachedir/minions/<id>/files/<path or upload_path>` there.
   * @returns true when every chunk was accepted; false for a refused path or a refused chunk.
   * @throws FileClientUnavailableError for the masterless client.
   */
  async push(path: string, options: PushOptions = {}): Promise<boolean> {
    if (!this.canPush) throw new FileClientUnavailableError('cp.push needs a master: this minion runs with file_client: local');
    if (path.includes('../') || !isAbsolute(path)) return false;
    let source = path;
    if (!options.keepSymlinks) source = await realpath(path).catch(() => path);
    if (!(await isFile(source))) return false;
    let loadPath: string;
    if (options.uploadPath) {
      if (options.uploadPath.includes('../')) return false;
      loadPath = options.uploadPath.replace(/^\/+/, '');
    } else {
      loadPath = source.replace(/^\/+/, '');
    }
    const parts = posix.normalize(loadPath).split('/').filter((p) => p);
    const size = (await stat(source)).size;
    const bufSize = typeof this.opts.file_buffer_size === 'number' && this.opts.file_buffer_size > 0 ? this.opts.file_buffer_size : 262144;
    const load: Load = { cmd: '_file_recv', id: this.opts.id, path: parts, size };
    let loc = 0;
    let sent = false;
    for await (const chunk of createReadStream(source, { highWaterMark: bufSize })) {
      load.loc = loc;
      load.data = chunk as Buffer;
      if (!(await this.send(load))) return false;
      loc += (chunk as Buffer).length;
      sent = true;
    }
    if (!sent) {
      load.loc = 0;
      load.data = Buffer.alloc(0);
      if (!(await this.send(load))) return false;
    }
    if (options.removeSource) await rm(source, { force: true });
    return true;
  }
}

/**
 * The masterless file client (`file_client: local`): the master's file server commands run
 * in-process over the minion's own `file_roots` (Salt's `FSClient`); cached copies still go to
 * `cachedir/files/<saltenv>/`.
 */
export function localFileClient(opts: Record<string, unknown>): RemoteFileClient {
  const fsOpts = { ...opts, file_recv: false };
  return new RemoteFileClient({
    opts,
    canPush: false,
    request: async (load) => (await handleFileServerCommand(String(load.cmd), { ...load }, fsOpts)) ?? {},
  });
}

/**
 * Makes the state system and `cp` use the master's file server through `request` (the minion's
 * encrypted request channel) whenever `file_client` is not `local`.
 */
export function registerMasterFileClient(request: FileRequest): void {
  registerRemoteFileClient((opts) => (opts.local === true ? localFileClient(opts) : new RemoteFileClient({ opts, request })));
}
