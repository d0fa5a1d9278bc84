/**
 * The local file client (`file_client: local`): serves SLS files, templates and `salt://`
 * sources straight from the minion's `file_roots`.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { join, normalize, sep } from 'node:path';
import type { FetchedFile, FileClient } from './types.js';

/** `file_roots`: environment → directories searched in order. */
export type FileRoots = Record<string, string[] | string>;

/** Throws when a relative path tries to leave its root. */
function safeRelative(path: string): string | null {
  const clean = normalize(path.replace(/^\/+/, ''));
  if (clean === '..' || clean.startsWith(`..${sep}`) || clean.startsWith('/')) return null;
  return clean;
}

async function walk(root: string, rel: string, out: Set<string>): Promise<void> {
  let entries;
  try {
    entries = await readdir(join(root, rel), { withFileTypes: true });
  } catch {
    return;
  }
  for (const e of entries) {
    const r = rel ? `${rel}/${e.name}` : e.name;
    if (e.isDirectory()) await walk(root, r, out);
    else if (e.isFile() || e.isSymbolicLink()) out.add(r);
  }
}

/** A file client over local `file_roots`. */
export class LocalFileClient implements FileClient {
  private readonly roots: Record<string, string[]>;
  private readonly listCache = new Map<string, string[]>();

  /** @param fileRoots the minion's `file_roots` option (`{base: ['/srv/salt']}`). */
  constructor(fileRoots: FileRoots) {
    this.roots = {};
    for (const [env, dirs] of Object.entries(fileRoots ?? {})) this.roots[env] = Array.isArray(dirs) ? dirs.map(String) : [String(dirs)];
  }

  async envs(): Promise<string[]> {
    const envs = Object.keys(this.roots);
    return envs.includes('base') ? ['base', ...envs.filter((e) => e !== 'base')] : envs;
  }

  async listFiles(saltenv: string): Promise<string[]> {
    const cached = this.listCache.get(saltenv);
    if (cached) return cached;
    const out = new Set<string>();
    for (const root of this.roots[saltenv] ?? this.roots.__env__ ?? []) await walk(root, '', out);
    const list = [...out].sort();
    this.listCache.set(saltenv, list);
    return list;
  }

  async getFile(saltenv: string, path: string): Promise<FetchedFile | null> {
    const rel = safeRelative(path);
    if (rel === null) return null;
    for (const root of this.roots[saltenv] ?? this.roots.__env__ ?? []) {
      const full = join(root, rel);
      try {
        if (!(await stat(full)).isFile()) continue;
        return { path: full, data: await readFile(full) };
      } catch {
        continue;
      }
    }
    return null;
  }
}

/** An in-memory file client (`{saltenv: {path: text}}`), for tests and generated trees. */
export class MemoryFileClient implements FileClient {
  constructor(private readonly files: Record<string, Record<string, string | Buffer>>) {}

  async envs(): Promise<string[]> {
    const envs = Object.keys(this.files);
    return envs.includes('base') ? ['base', ...envs.filter((e) => e !== 'base')] : ['base', ...envs];
  }

  async listFiles(saltenv: string): Promise<string[]> {
    return Object.keys(this.files[saltenv] ?? {}).sort();
  }

  async getFile(saltenv: string, path: string): Promise<FetchedFile | null> {
    const data = this.files[saltenv]?.[path.replace(/^\/+/, '')];
    if (data === undefined) return null;
    return { path: `mem://${saltenv}/${path}`, data: Buffer.isBuffer(data) ? data : Buffer.from(data) };
  }
}
