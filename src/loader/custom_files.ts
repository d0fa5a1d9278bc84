/**
 * Where custom modules of a kind are found and how their files are imported: Salt's module
 * search path (`module_dirs`, `extension_modules`, `<kind>_dirs`), TypeScript sources transpiled
 * to a cache directory, and import URLs that change when a file changes (Node caches an ES module
 * by URL, so a re-synced module would otherwise never be imported again).
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, extname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { nullLogger, type Logger } from '../log/logger.js';
import { customApiUrl, mentionsApi, transpileModuleSource, TYPESCRIPT_EXTENSIONS } from './transpile.js';
import { isDir } from '../fs_checks.js';
import { writeFileAtomicSync } from '../atomic_file.js';

type Opts = Record<string, unknown>;

/** File extensions a custom module may have. */
export const CUSTOM_MODULE_EXTENSIONS: ReadonlySet<string> = new Set(['.js', '.mjs', '.cjs', '.ts', '.mts']);

function stringList(v: unknown): string[] {
  if (typeof v === 'string') return v ? [v] : [];
  return Array.isArray(v) ? v.filter((x) => x !== null && x !== undefined).map(String) : [];
}

/**
 * Salt 3006's search path for custom modules of `kind` (`modules`, `states`, `grains` ...), first
 * match wins: `<d>/<kind>` (else `<d>/_<kind>`) for each `module_dirs` entry `d`, the last entry
 * first; then `<extension_modules>/<kind>`; then the entries of the `<kind>_dirs` option
 * (`dirsOption`, e.g. `module_dirs` for execution modules, `states_dirs` for states).
 */
export function customModuleDirs(opts: Opts, kind: string, dirsOption = `${kind}_dirs`): string[] {
  const cli: string[] = [];
  for (const d of stringList(opts.module_dirs)) {
    for (const sub of [kind, `_${kind}`]) {
      if (isDir(join(d, sub))) {
        cli.unshift(join(d, sub));
        break;
      }
    }
  }
  const ext = typeof opts.extension_modules === 'string' && opts.extension_modules ? [join(opts.extension_modules, kind)] : [];
  return [...cli, ...ext, ...stringList(opts[dirsOption])];
}

/** Where the transpiled copies of one source directory go (the API URL is part of the key). */
export function transpileCacheDir(opts: Opts, sourceDir: string): string {
  const base =
    typeof opts.cachedir === 'string' && opts.cachedir
      ? join(opts.cachedir, 'tscache')
      : join(tmpdir(), `salt-ts-tscache-${typeof process.getuid === 'function' ? process.getuid() : 'user'}`);
  const key = createHash('sha256').update(`${sourceDir}\0${customApiUrl()}`).digest('hex').slice(0, 16);
  return join(base, key);
}

/** Writes through a temporary file and a rename, so a reader never sees half a file. */
export function writeFileAtomic(path: string, data: string | Buffer, mode = 0o644): void {
  writeFileAtomicSync(path, data, mode, false);
}

function mtime(path: string): number {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return -1;
  }
}

/**
 * The importable file for a module source in `dir`: the source itself, or for TypeScript (and
 * JavaScript importing `salt-ts`) its transpiled copy in {@link transpileCacheDir}, refreshed when
 * the source is newer. Returns null (after logging) when the source cannot be transpiled.
 */
function importableFile(opts: Opts, dir: string, entry: string, log: Logger): string | null {
  const source = join(dir, entry);
  const ext = extname(entry);
  const isTs = TYPESCRIPT_EXTENSIONS.has(ext);
  let text: string | undefined;
  if (!isTs) {
    if (ext === '.cjs') return source;
    try {
      text = readFileSync(source, 'utf8');
    } catch {
      return source;
    }
    if (!mentionsApi(text)) return source;
  }
  const outDir = transpileCacheDir(opts, dir);
  const out = join(outDir, isTs ? `${basename(entry, ext)}.mjs` : entry);
  if (mtime(out) >= mtime(source)) return out;
  try {
    const js = transpileModuleSource(text ?? readFileSync(source, 'utf8'), source, { absoluteFrom: dir });
    mkdirSync(outDir, { recursive: true, mode: 0o700 });
    writeFileAtomic(out, js);
    return out;
  } catch (err) {
    log.error(`Failed to load custom module ${source}: ${(err as Error).message}`);
    return null;
  }
}

/**
 * The custom module files in `dirs`, by module name (the file name without its extension), each
 * name's files in search order. Files starting with `_`, declaration files and test files are
 * skipped; `.ts`/`.mts` sources (and their `_` helpers, which they may import) are transpiled
 * (see {@link importableFile}). Missing directories are ignored.
 */
export function listCustomModuleFiles(dirs: readonly string[], opts: Opts, log: Logger = nullLogger): Map<string, string[]> {
  const files = new Map<string, string[]>();
  for (const dir of dirs) {
    let entries: string[];
    try {
      entries = readdirSync(dir).sort();
    } catch {
      continue;
    }
    const usable = (e: string) => CUSTOM_MODULE_EXTENSIONS.has(extname(e)) && !/\.d\.m?ts$/.test(e) && !e.includes('.test.');
    // Helpers are transpiled too, so that modules importing `./_helper.js` find them.
    for (const entry of entries) {
      if (usable(entry) && entry.startsWith('_') && TYPESCRIPT_EXTENSIONS.has(extname(entry))) importableFile(opts, dir, entry, log);
    }
    for (const entry of entries) {
      if (!usable(entry) || entry.startsWith('_')) continue;
      const file = importableFile(opts, dir, entry, log);
      if (!file) continue;
      const name = basename(entry, extname(entry));
      const list = files.get(name) ?? [];
      list.push(file);
      files.set(name, list);
    }
  }
  return files;
}

/**
 * The URL to import a module file with: its `file:` URL plus a version query from its mtime, size
 * and inode, so that a changed file is imported afresh instead of coming from Node's module cache.
 */
export function versionedImportUrl(file: string): string {
  const href = pathToFileURL(file).href;
  try {
    const st = statSync(file);
    return `${href}?v=${st.mtimeMs}-${st.size}-${st.ino}`;
  } catch {
    return href;
  }
}
