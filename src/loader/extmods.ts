/**
 * Syncing custom modules from the file server (Salt's salt/utils/extmods.py): the files under
 * `salt://_<form>/` of each environment are copied into `<extension_modules>/<form>/`, where the
 * loaders find them. TypeScript sources are transpiled to `.mjs` on the way (see transpile.ts);
 * modules no longer on the file server are removed (`clean_dynamic_modules`).
 *
 * Also here: the hooks a long-running minion registers so `saltutil.refresh_*` reaches it.
 */
import { readFileSync, readdirSync, rmSync, unlinkSync, writeFileSync, mkdirSync } from 'node:fs';
import { dirname, extname, join, relative, sep } from 'node:path';
import { nullLogger, type Logger } from '../log/logger.js';
import { customModuleDirs, writeFileAtomic } from './custom_files.js';
import { mentionsApi, transpileModuleSource, TYPESCRIPT_EXTENSIONS } from './transpile.js';
import { isFile } from '../fs_checks.js';

type Opts = Record<string, unknown>;

/** Which files under `_<form>/` are synced: JavaScript and TypeScript sources, not declarations. */
export const SYNC_INCLUDE_PAT = 'E@\\.(m?ts|[cm]?js)$';
export const SYNC_EXCLUDE_PAT = 'E@\\.d\\.m?ts$';

/** The part of the minion's file client a sync needs (Salt's `cache_dir`). */
export interface SyncFileClient {
  /** Caches every file under `url` in `saltenv` passing the patterns; resolves with the cached paths. */
  cacheDir(url: string, saltenv: string, includeEmpty?: boolean, includePat?: unknown, excludePat?: unknown): Promise<string[]>;
}

/** Module names per form (`{modules: ['hello']}`), as `extmod_whitelist`/`extmod_blacklist` hold them. */
export type ExtmodFilter = Record<string, string[]>;

/** How one form is synced. */
export interface SyncOptions {
  /** The environments to sync from, in order (Salt's default is the top file's, else `base`). */
  saltenvs: string[];
  /** Only these module names per form are synced (default `opts.extmod_whitelist`). */
  whitelist?: ExtmodFilter;
  /** These module names per form are not synced (default `opts.extmod_blacklist`). */
  blacklist?: ExtmodFilter;
  log?: Logger;
}

/** What a sync did: the `<form>.<name>` entries written (new or changed), and whether anything changed. */
export interface SyncResult {
  synced: string[];
  touched: boolean;
}

/** `<extension_modules>`, falling back to `<cachedir>/extmods` as Salt does for an empty value. */
export function extensionModulesDir(opts: Opts): string {
  if (typeof opts.extension_modules === 'string' && opts.extension_modules) return opts.extension_modules;
  return join(String(opts.cachedir ?? '/var/cache/salt/minion'), 'extmods');
}

/** Salt's search path for execution modules: `module_dirs` subdirectories, extmods, `module_dirs`. */
export function executionModuleDirs(opts: Opts): string[] {
  return customModuleDirs({ ...opts, extension_modules: extensionModulesDir(opts) }, 'modules', 'module_dirs');
}

function asFilter(v: unknown): ExtmodFilter {
  if (!v || typeof v !== 'object' || Array.isArray(v)) return {};
  const out: ExtmodFilter = {};
  for (const [k, names] of Object.entries(v as Record<string, unknown>)) {
    out[k] = Array.isArray(names) ? names.map(String) : typeof names === 'string' ? names.split(',') : [];
  }
  return out;
}

function listRecursively(root: string, rel = ''): string[] {
  let entries;
  try {
    entries = readdirSync(join(root, rel), { withFileTypes: true });
  } catch {
    return [];
  }
  const out: string[] = [];
  for (const e of entries) {
    const r = rel ? join(rel, e.name) : e.name;
    if (e.isDirectory()) out.push(...listRecursively(root, r));
    else out.push(r);
  }
  return out;
}

/** Removes empty directories below (and including) `root`; true when any was removed. */
function removeEmptyDirs(root: string): boolean {
  let entries;
  try {
    entries = readdirSync(root, { withFileTypes: true });
  } catch {
    return false;
  }
  let removed = false;
  for (const e of entries) if (e.isDirectory()) removed = removeEmptyDirs(join(root, e.name)) || removed;
  if (readdirSync(root).length === 0) {
    rmSync(root, { recursive: true, force: true });
    return true;
  }
  return removed;
}

/**
 * The extension directory marks its `.js` files as ES modules (the format custom modules are
 * written in), whatever package.json the directories above it have or lack.
 */
function ensureModuleType(extDir: string): void {
  const marker = join(extDir, 'package.json');
  if (isFile(marker)) return;
  mkdirSync(extDir, { recursive: true, mode: 0o700 });
  writeFileSync(marker, '{ "type": "module" }\n', { mode: 0o600 });
}

/** The synced file's name and bytes for a cached source: TypeScript becomes `.mjs`. */
function prepareSource(cached: string, relpath: string): { destRel: string; data: Buffer } {
  const ext = extname(relpath);
  if (TYPESCRIPT_EXTENSIONS.has(ext)) {
    const js = transpileModuleSource(readFileSync(cached, 'utf8'), cached, { siblingsIn: dirname(cached) });
    return { destRel: relpath.slice(0, -ext.length) + '.mjs', data: Buffer.from(js) };
  }
  const raw = readFileSync(cached);
  if (ext !== '.cjs' && mentionsApi(raw.toString('utf8'))) {
    return { destRel: relpath, data: Buffer.from(transpileModuleSource(raw.toString('utf8'), cached, { siblingsIn: dirname(cached) })) };
  }
  return { destRel: relpath, data: raw };
}

/**
 * Syncs `salt://_<form>/` of each environment into `<extension_modules>/<form>/` (Salt's
 * `extmods.sync`): a file is written when new or different (TypeScript compared after
 * transpiling) and reported as `<form>.<name>` (`modules.hello`, `modules.sub.util` for
 * `_modules/sub/util.ts`); with `clean_dynamic_modules` (default on) files that are no longer
 * served and empty directories are removed. Like Salt, failures (no file server, a source that
 * does not parse) are logged, not thrown: the sync reports what it did before the failure, and a
 * source that does not transpile is skipped.
 */
export async function syncExtensionModules(
  client: SyncFileClient | (() => SyncFileClient),
  opts: Opts,
  form: string,
  options: SyncOptions,
): Promise<SyncResult> {
  const log = options.log ?? nullLogger;
  const whitelist = options.whitelist ?? asFilter(opts.extmod_whitelist);
  const blacklist = options.blacklist ?? asFilter(opts.extmod_blacklist);
  const extDir = extensionModulesDir(opts);
  const modDir = join(extDir, form);
  const cachedir = String(opts.cachedir ?? '/var/cache/salt/minion');
  const synced: string[] = [];
  const remote = new Set<string>();
  let touched = false;
  try {
    try {
      mkdirSync(modDir, { recursive: true, mode: 0o700 });
    } catch {
      log.error(`Cannot create cache module directory ${modDir}. Check permissions.`);
    }
    ensureModuleType(extDir);
    const files = typeof client === 'function' ? client() : client;
    for (const saltenv of options.saltenvs) {
      log.info(`Syncing ${form} for environment '${saltenv}'`);
      const cached = await files.cacheDir(`salt://_${form}`, saltenv, false, SYNC_INCLUDE_PAT, SYNC_EXCLUDE_PAT);
      const localCacheDir = join(cachedir, 'files', saltenv, `_${form}`);
      for (const fn of cached) {
        const relpath = relative(localCacheDir, fn);
        if (!relpath || relpath.startsWith('..')) continue;
        const relname = relpath.slice(0, -extname(relpath).length).split(sep).join('.');
        if (whitelist[form] && !whitelist[form].includes(relname)) continue;
        if (blacklist[form] && blacklist[form].includes(relname)) continue;
        let prepared;
        try {
          prepared = prepareSource(fn, relpath);
        } catch (err) {
          log.error(`Failed to sync ${form} module ${relname}: ${(err as Error).message}`);
          continue;
        }
        remote.add(prepared.destRel);
        const dest = join(modDir, prepared.destRel);
        let current: Buffer | undefined;
        try {
          current = readFileSync(dest);
        } catch {
          current = undefined;
        }
        if (current && current.equals(prepared.data)) continue;
        log.info(`Copying '${fn}' to '${dest}'`);
        mkdirSync(dirname(dest), { recursive: true, mode: 0o700 });
        writeFileAtomic(dest, prepared.data, 0o600);
        synced.push(`${form}.${relname}`);
      }
    }
    touched = synced.length > 0;
    if (opts.clean_dynamic_modules !== false) {
      for (const rel of listRecursively(modDir)) {
        if (remote.has(rel)) continue;
        unlinkSync(join(modDir, rel));
        touched = true;
      }
      if (removeEmptyDirs(modDir)) touched = true;
    }
  } catch (err) {
    log.error(`Failed to sync ${form} module: ${(err as Error).message}`);
  }
  return { synced, touched };
}

/**
 * Salt's `saltutil.list_extmods`: the module names (file names up to the first dot) synced into
 * each form directory of `<cachedir>/extmods`, sorted; `{}` when nothing was ever synced.
 */
export function listExtmods(opts: Opts): Record<string, string[]> {
  const extDir = join(String(opts.cachedir ?? '/var/cache/salt/minion'), 'extmods');
  const out: Record<string, string[]> = {};
  let forms;
  try {
    forms = readdirSync(extDir, { withFileTypes: true });
  } catch {
    return out;
  }
  for (const f of forms) {
    if (!f.isDirectory()) continue;
    const names = new Set(listRecursively(join(extDir, f.name)).map((rel) => rel.split(sep).pop()!.split('.')[0]));
    out[f.name] = [...names].sort();
  }
  return out;
}

// --- refresh hooks -------------------------------------------------------------------------

/**
 * What a long-running minion does when asked to refresh (Salt's `module_refresh` and
 * `pillar_refresh` events): reload grains and modules; fetch the pillar again, then reload.
 */
export interface RefreshHandlers {
  modules?: () => void | Promise<void>;
  pillar?: (cleanCache: boolean) => void | Promise<void>;
}

let handlers: RefreshHandlers = {};

/** Registers (or with undefined, removes) the minion's refresh handlers. */
export function registerRefreshHandlers(h: RefreshHandlers | undefined): void {
  handlers = h ?? {};
}

/** The registered refresh handlers (empty without a minion daemon, e.g. in salt-call). */
export function refreshHandlers(): RefreshHandlers {
  return handlers;
}
