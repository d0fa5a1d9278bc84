/**
 * The `roots` file server backend: serves files from local directories per saltenv
 * (`file_roots` on the master, `pillar_roots` for pillar, the minion's own `file_roots` when
 * masterless). Nothing outside a root is ever found, listed or served: symlinks are followed
 * only when their real path stays inside the root they were found in.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { lstat, open, readdir, readlink, realpath, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { fnmatch } from '../targeting/fnmatch.js';
import { pyRegex } from '../targeting/pyregex.js';
import { cleanRelativePath, isWithin, realPathInside, safeEnvName } from './paths.js';

/** Salt environment → directories searched in order. */
export type RootsMap = Record<string, string[]>;

/** How a roots backend is set up (option names in brackets). */
export interface RootsOptions {
  /** The roots (`file_roots` / `pillar_roots`): env → directory or directories. */
  roots: unknown;
  /** Chunk size of served files (`file_buffer_size`, default 1 MiB). */
  fileBufferSize?: number;
  /** Hash algorithm reported by file hashes (`hash_type`, default sha256). */
  hashType?: string;
  /** Descend into symlinked directories (`fileserver_followsymlinks`, default true). */
  followSymlinks?: boolean;
  /** Leave symlinks out entirely (`fileserver_ignoresymlinks`, default false). */
  ignoreSymlinks?: boolean;
  /** Python regexes of paths to hide (`file_ignore_regex`). */
  ignoreRegex?: unknown;
  /** Globs of paths to hide (`file_ignore_glob`). */
  ignoreGlob?: unknown;
}

/** A file the backend found: where it is and what it is called relative to its root. */
export interface FoundFile {
  /** `root/rel` as configured (what Salt reports as `path`). */
  path: string;
  /** The real path (symlinks resolved) that is read. */
  realPath: string;
  /** Normalised relative path. */
  rel: string;
  /** The 10 `os.stat` fields Salt sends: mode, ino, dev, nlink, uid, gid, size, atime, mtime, ctime. */
  stat: Array<number | bigint>;
}

/** The listing of one environment. */
export interface RootsListing {
  files: string[];
  dirs: string[];
  emptyDirs: string[];
  /** Symlink relative path → its target as stored in the link. */
  links: Record<string, string>;
}

/** Normalises a `*_roots` option into env → list of directories (strings kept, others dropped). */
export function normaliseRoots(value: unknown): RootsMap {
  const out: RootsMap = {};
  if (!value || typeof value !== 'object' || Array.isArray(value)) return out;
  for (const [env, dirs] of Object.entries(value as Record<string, unknown>)) {
    const list = Array.isArray(dirs) ? dirs : dirs === null || dirs === undefined ? [] : [dirs];
    out[env] = list.filter((d): d is string => typeof d === 'string');
  }
  return out;
}

/** The roots options of a config: `file_roots` (or another `*_roots` key) plus the fileserver options. */
export function rootsOptionsFrom(opts: Record<string, unknown>, key = 'file_roots'): RootsOptions {
  return {
    roots: opts[key],
    fileBufferSize: typeof opts.file_buffer_size === 'number' && opts.file_buffer_size > 0 ? opts.file_buffer_size : undefined,
    hashType: typeof opts.hash_type === 'string' ? opts.hash_type : undefined,
    followSymlinks: opts.fileserver_followsymlinks !== false,
    ignoreSymlinks: opts.fileserver_ignoresymlinks === true,
    ignoreRegex: opts.file_ignore_regex,
    ignoreGlob: opts.file_ignore_glob,
  };
}

const hashCache = new Map<string, string>();

/** Hex digest of a file, streamed (Salt's `get_hash`); cached by path, size and mtime. */
export async function hashFileAt(path: string, hashType: string): Promise<string> {
  const st = await stat(path);
  const key = `${hashType}\0${path}\0${st.size}\0${st.mtimeMs}`;
  const hit = hashCache.get(key);
  if (hit) return hit;
  const hash = createHash(hashType);
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  const hex = hash.digest('hex');
  if (hashCache.size > 4096) hashCache.clear();
  hashCache.set(key, hex);
  return hex;
}

function toInt(v: bigint): number | bigint {
  return v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v;
}

/** `list(os.stat(path))` as Salt sends it (integral seconds for the times). */
export async function statList(path: string): Promise<Array<number | bigint>> {
  const s = await stat(path, { bigint: true });
  const secs = (ns: bigint) => toInt(ns / 1_000_000_000n);
  return [toInt(s.mode), toInt(s.ino), toInt(s.dev), toInt(s.nlink), toInt(s.uid), toInt(s.gid), toInt(s.size), secs(s.atimeNs), secs(s.mtimeNs), secs(s.ctimeNs)];
}

function stringList(v: unknown): string[] {
  if (typeof v === 'string') return [v];
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}

/** A `roots` backend over one roots map. */
export class RootsFileServer {
  readonly roots: RootsMap;
  readonly fileBufferSize: number;
  readonly hashType: string;
  private readonly followSymlinks: boolean;
  private readonly ignoreSymlinks: boolean;
  private readonly ignoreRegex: RegExp[];
  private readonly ignoreGlob: string[];

  constructor(options: RootsOptions) {
    this.roots = normaliseRoots(options.roots);
    this.fileBufferSize = options.fileBufferSize ?? 1048576;
    this.hashType = options.hashType ?? 'sha256';
    this.followSymlinks = options.followSymlinks ?? true;
    this.ignoreSymlinks = options.ignoreSymlinks ?? false;
    this.ignoreRegex = [];
    for (const re of stringList(options.ignoreRegex)) {
      try {
        this.ignoreRegex.push(pyRegex(re));
      } catch {
        /* an invalid regex hides nothing, as a failing re.search would stop Salt's check */
      }
    }
    this.ignoreGlob = stringList(options.ignoreGlob);
  }

  /** The environment names, sorted (Salt's `roots.envs`). */
  envs(): string[] {
    return Object.keys(this.roots).sort();
  }

  /**
   * The directories of a saltenv: its own, or the `__env__` ones with `__env__` replaced by the
   * saltenv name (only for names that are safe as a directory name). Null when there are none.
   */
  rootsFor(saltenv: string): string[] | null {
    if (Object.hasOwn(this.roots, saltenv)) return this.roots[saltenv]!;
    if (Object.hasOwn(this.roots, '__env__') && safeEnvName(saltenv)) return this.roots.__env__!.map((r) => r.split('__env__').join(saltenv));
    return null;
  }

  /** Salt's `is_file_ignored`: a path matching `file_ignore_regex` (search) or `file_ignore_glob`. */
  isIgnored(path: string): boolean {
    return this.ignoreRegex.some((re) => re.test(path)) || this.ignoreGlob.some((g) => fnmatch(path, g));
  }

  /**
   * Finds a file by relative path in a saltenv (first root that has it). Refuses unsafe paths
   * (absolute, `..`, NUL) and files whose real path leaves their root.
   */
  async findFile(path: string, saltenv: string): Promise<FoundFile | null> {
    const rel = cleanRelativePath(path);
    if (rel === null) return null;
    const roots = this.rootsFor(saltenv);
    if (!roots) return null;
    for (const root of roots) {
      const full = join(root, rel);
      const real = await realPathInside(root, rel);
      if (!real) continue;
      try {
        if (!(await stat(real)).isFile()) continue;
      } catch {
        continue;
      }
      if (this.isIgnored(full)) continue;
      try {
        return { path: full, realPath: real, rel, stat: await statList(real) };
      } catch {
        continue;
      }
    }
    return null;
  }

  /** One chunk of a found file from byte `loc` (at most `fileBufferSize` bytes), gzipped at `gzip` level when set. */
  async readChunk(found: FoundFile, loc: number, gzip?: number): Promise<{ data: Buffer; gzip?: number }> {
    const fh = await open(found.realPath, 'r');
    try {
      const buf = Buffer.allocUnsafe(this.fileBufferSize);
      const { bytesRead } = await fh.read(buf, 0, this.fileBufferSize, loc);
      const data = buf.subarray(0, bytesRead);
      if (gzip && data.length) return { data: gzipSync(data, { level: Math.min(9, Math.max(1, gzip)) }), gzip };
      return { data: Buffer.from(data) };
    } finally {
      await fh.close();
    }
  }

  /** `{hsum, hash_type}` of a found file. */
  async fileHash(found: FoundFile): Promise<{ hsum: string; hash_type: string }> {
    return { hsum: await hashFileAt(found.realPath, this.hashType), hash_type: this.hashType };
  }

  /** Every file, directory, empty directory and symlink of a saltenv (relative, sorted). */
  async list(saltenv: string): Promise<RootsListing> {
    const files = new Set<string>();
    const dirs = new Set<string>();
    const emptyDirs = new Set<string>();
    const links: Record<string, string> = {};
    for (const root of this.rootsFor(saltenv) ?? []) {
      let realRoot: string;
      try {
        realRoot = await realpath(resolve(root));
      } catch {
        continue;
      }
      // Real paths of the directories being walked: a symlink back to one of them is a loop.
      const walk = async (dirRel: string, ancestors: ReadonlySet<string>): Promise<void> => {
        let entries: string[];
        try {
          entries = await readdir(dirRel ? join(root, dirRel) : root);
        } catch {
          return;
        }
        for (const name of entries.sort()) {
          const rel = dirRel ? `${dirRel}/${name}` : name;
          const abs = join(root, rel);
          let st;
          try {
            st = await lstat(abs);
          } catch {
            continue;
          }
          let real = abs;
          if (st.isSymbolicLink()) {
            if (this.ignoreSymlinks) continue;
            const inside = await realPathInside(root, rel);
            if (!inside || !isWithin(realRoot, inside)) continue;
            real = inside;
            try {
              st = await stat(inside);
              links[rel] = await readlink(abs);
            } catch {
              continue;
            }
            if (st.isDirectory() && !this.followSymlinks) {
              if (!this.isIgnored(rel)) dirs.add(rel);
              continue;
            }
          }
          if (this.isIgnored(rel)) continue;
          if (st.isDirectory()) {
            dirs.add(rel);
            let children: string[] = [];
            try {
              children = await readdir(abs);
            } catch {
              /* unreadable: listed, not descended */
            }
            if (!children.length) emptyDirs.add(rel);
            const key = real === abs ? await realpath(abs).catch(() => abs) : real;
            if (ancestors.has(key)) continue;
            await walk(rel, new Set([...ancestors, key]));
          } else if (st.isFile()) {
            files.add(rel);
          }
        }
      };
      await walk('', new Set([realRoot]));
    }
    return { files: [...files].sort(), dirs: [...dirs].sort(), emptyDirs: [...emptyDirs].sort(), links };
  }
}
