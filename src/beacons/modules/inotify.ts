/**
 * The `inotify` beacon on Node's `fs.watch`: Salt's config shape (`files: {path: {mask, recurse,
 * auto_add, exclude}}`, `coalesce`) and event data (`{path, change}` with tag = the watched
 * directory the change happened in, `change` a pyinotify mask name such as `IN_CREATE`).
 *
 * `fs.watch` reports only "rename" and "change"; they are mapped to pyinotify names by looking
 * at the file afterwards: rename + exists → `IN_CREATE`, rename + gone → `IN_DELETE` (or
 * `IN_DELETE_SELF` for a watched file), change → `IN_MODIFY` (or `IN_ATTRIB` when only that is
 * asked for). Directories get `|IN_ISDIR`. Masks fs.watch cannot see (open, access, close_*)
 * never fire. Events are queued between runs and returned by the next run, as in Salt.
 */
import { existsSync, watch, type FSWatcher } from 'node:fs';
import { dirname, join } from 'node:path';
import { fnmatch } from '../../targeting/fnmatch.js';
import { pyRegex } from '../../targeting/pyregex.js';
import { listToDict, removeHiddenOptions } from '../_config.js';
import type { BeaconContext, BeaconModule } from '../types.js';
import { isDir } from '../../fs_checks.js';

type Dict = Record<string, unknown>;

const VALID_MASK = [
  'access', 'attrib', 'close_nowrite', 'close_write', 'create', 'delete', 'delete_self', 'excl_unlink', 'ignored',
  'modify', 'moved_from', 'moved_to', 'move_self', 'oneshot', 'onlydir', 'open', 'unmount',
];
const DEFAULT_MASK = ['create', 'delete', 'modify'];

interface QueuedEvent {
  /** The directory (or watched file) the change happened in. */
  path: string;
  pathname: string;
  /** The pyinotify mask name without `IN_` and lower case (`create`), for mask filtering. */
  kind: string;
  isDir: boolean;
}

interface WatchState {
  watchers: Map<string, { watcher: FSWatcher; key: string }>;
  queue: QueuedEvent[];
}

function isDict(v: unknown): v is Dict {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function stateOf(ctx: BeaconContext, beaconName: string): WatchState {
  const key = `${beaconName}.notifier`;
  return (ctx.context[key] ??= { watchers: new Map(), queue: [] }) as WatchState;
}

function validate(config: unknown): [boolean, string] {
  if (!Array.isArray(config)) return [false, 'Configuration for inotify beacon must be a list.'];
  const c = listToDict(config);
  if (!('files' in c)) return [false, 'Configuration for inotify beacon must include files.'];
  if (!isDict(c.files)) return [false, 'Configuration for inotify beacon invalid, files must be a dict.'];
  for (const spec of Object.values(c.files)) {
    if (!isDict(spec)) return [false, 'Configuration for inotify beacon must be a list of dictionaries.'];
    if (!['mask', 'recurse', 'auto_add'].some((k) => k in spec)) return [false, 'Configuration for inotify beacon must contain mask, recurse or auto_add items.'];
    if ('auto_add' in spec && typeof spec.auto_add !== 'boolean') return [false, 'Configuration for inotify beacon auto_add must be boolean.'];
    if ('recurse' in spec && typeof spec.recurse !== 'boolean') return [false, 'Configuration for inotify beacon recurse must be boolean.'];
    if ('mask' in spec) {
      if (!Array.isArray(spec.mask)) return [false, 'Configuration for inotify beacon mask must be list.'];
      for (const m of spec.mask) if (!VALID_MASK.includes(String(m))) return [false, `Configuration for inotify beacon invalid mask option ${String(m)}.`];
    }
  }
  return [true, 'Valid beacon configuration'];
}

/** Salt's exclude rules: `{pattern: {regex: True}}` searches, `*` globs, anything else is a prefix. */
function excluded(pathname: string, excludes: unknown): boolean {
  if (!Array.isArray(excludes)) return false;
  for (const ex of excludes) {
    if (isDict(ex)) {
      const pattern = Object.keys(ex)[0];
      const opts = ex[pattern];
      if (isDict(opts) && opts.regex) {
        try {
          if (pyRegex(pattern).test(pathname)) return true;
        } catch {
          // Salt logs "Failed to compile regex" and keeps the event
        }
      }
    } else if (typeof ex === 'string' && ex.includes('*')) {
      if (fnmatch(pathname, ex)) return true;
    } else if (typeof ex === 'string' && pathname.startsWith(ex)) {
      return true;
    }
  }
  return false;
}

function addWatch(st: WatchState, path: string, spec: Dict, key: string): void {
  const watchedIsDir = isDir(path);
  const watcher = watch(path, { recursive: watchedIsDir && spec.recurse === true, persistent: false }, (eventType, filename) => {
    const pathname = watchedIsDir && filename ? join(path, filename.toString()) : path;
    const where = watchedIsDir ? dirname(pathname) : path;
    const exists = existsSync(pathname);
    let kind: string;
    if (eventType === 'rename') kind = exists ? 'create' : pathname === path ? 'delete_self' : 'delete';
    else kind = 'modify';
    st.queue.push({ path: where, pathname, kind, isDir: exists && isDir(pathname) });
    // A deleted watched file keeps no watch; the next run watches it again once it is back.
    if (kind === 'delete_self') {
      watcher.close();
      st.watchers.delete(path);
    }
  });
  watcher.on('error', () => {
    watcher.close();
    st.watchers.delete(path);
  });
  st.watchers.set(path, { watcher, key });
}

const inotify: BeaconModule = {
  name: 'inotify',
  validate,
  beacon: (config, ctx) => {
    const c = listToDict(removeHiddenOptions(config, ['_beacon_name']));
    const files = (isDict(c.files) ? c.files : {}) as Record<string, Dict>;
    const st = stateOf(ctx, String(c._beacon_name ?? 'inotify'));
    const ret: Dict[] = [];
    const seen = new Set<string>();
    for (const ev of st.queue.splice(0)) {
      let root = ev.path;
      while (root !== '/' && !(root in files)) root = dirname(root);
      const spec = isDict(files[root]) ? files[root] : {};
      const mask = Array.isArray(spec.mask) ? spec.mask.map(String) : DEFAULT_MASK;
      let kind = ev.kind;
      if (kind === 'modify' && !mask.includes('modify') && mask.includes('attrib')) kind = 'attrib';
      if (!mask.includes(kind)) continue;
      if (excluded(ev.pathname, spec.exclude)) {
        ctx.log.info(`Excluding ${ev.pathname} from event for ${root}`);
        continue;
      }
      const change = `IN_${kind.toUpperCase()}${ev.isDir ? '|IN_ISDIR' : ''}`;
      if (c.coalesce === true) {
        const id = `${ev.path}\0${ev.pathname}\0${change}`;
        if (seen.has(id)) continue;
        seen.add(id);
      }
      ret.push({ tag: ev.path, path: ev.pathname, change });
    }
    for (const [path, spec] of Object.entries(files)) {
      const key = JSON.stringify([spec?.recurse === true]);
      const have = st.watchers.get(path);
      if (have && have.key === key) continue;
      if (have) {
        have.watcher.close();
        st.watchers.delete(path);
      }
      if (existsSync(path)) {
        try {
          addWatch(st, path, isDict(spec) ? spec : {}, key);
        } catch (err) {
          ctx.log.warn(`Could not watch ${path}: ${(err as Error).message}`);
        }
      }
    }
    return ret;
  },
  close: (config, ctx) => {
    const c = listToDict(config);
    const key = `${String(c._beacon_name ?? 'inotify')}.notifier`;
    const st = ctx.context[key] as WatchState | undefined;
    if (!st) return;
    for (const { watcher } of st.watchers.values()) watcher.close();
    delete ctx.context[key];
  },
};

export default inotify;
