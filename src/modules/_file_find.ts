/**
 * Salt's `salt.utils.find` behind `file.find` (criteria name/iname/regex/iregex/type/user/group/
 * size/mtime/grep, actions print/delete/exec, mindepth/maxdepth), plus Python's `glob.glob`
 * for the starting path and a sort order like Python's for the mixed results.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { lstatSync, opendirSync, readFileSync, rmSync, statSync, unlinkSync, type Stats } from 'node:fs';
import { fnmatch } from '../targeting/fnmatch.js';
import { PyReError, compilePy } from './_pyre_sub.js';
import { pyStr } from './_pyrepr.js';
import * as ospath from './_pypath.js';
import { shlexSplit } from './_shlex.js';
import { isDir } from '../fs_checks.js';

/** A `file.find` option Salt rejects; `file.find` returns `error: <message>`. */
export class FindOptionError extends Error {
  override readonly name = 'FindOptionError';
  readonly code = 'EFINDOPTION';
}

const S_IFMT = 0o170000;
const FILE_TYPES: Record<string, number> = { b: 0o060000, c: 0o020000, d: 0o040000, f: 0o100000, l: 0o120000, p: 0o010000, s: 0o140000 };
const TYPE_LETTER = Object.fromEntries(Object.entries(FILE_TYPES).map(([k, v]) => [v, k])) as Record<number, string>;

type Criterion = { needsStat: boolean; needsContents?: boolean; match: (dir: string, name: string, st: Stats | undefined) => unknown };
type Action = { needsStat: boolean; execute: (fullpath: string, st: Stats | undefined) => unknown };

/** A name glob turned into Salt's regex (`.`→`\.`, `?`→`.?`, `*`→`.*`), matched from the start. */
function nameRegex(value: string, ignoreCase: boolean): RegExp {
  const pattern = value.replace(/\./g, '\\.').replace(/\?/g, '.?').replace(/\*/g, '.*') + '$';
  return userRegex(pattern, ignoreCase ? 2 : 0, true);
}

function userRegex(pattern: string, flags: number, anchored: boolean): RegExp {
  let re: RegExp;
  try {
    re = compilePy(pattern, flags);
  } catch (err) {
    if (err instanceof PyReError) throw new FindOptionError(`invalid regular expression: "${pattern}"`);
    throw err;
  }
  return anchored ? new RegExp(re.source, re.flags.replace('g', '') + 'y') : new RegExp(re.source, re.flags.replace('g', ''));
}

function reMatch(re: RegExp, s: string): boolean {
  re.lastIndex = 0;
  return re.test(s);
}

function parseSize(value: string): [number, number] {
  let scalar = value.trim();
  let style = '=';
  if (scalar.startsWith('-') || scalar.startsWith('+')) {
    style = scalar[0];
    scalar = scalar.slice(1);
  }
  let multiplier = 1;
  if (scalar) {
    const m = ({ b: 1, k: 2 ** 10, m: 2 ** 20, g: 2 ** 30, t: 2 ** 40 } as Record<string, number>)[scalar.slice(-1).toLowerCase()];
    if (m) {
      multiplier = m;
      scalar = scalar.slice(0, -1).trim();
    }
  }
  let num: number;
  if (/^\s*[+-]?\d+\s*$/.test(scalar)) num = Number(scalar) * multiplier;
  else if (scalar.trim() !== '' && !Number.isNaN(Number(scalar))) num = Math.trunc(Number(scalar) * multiplier);
  else throw new FindOptionError(`invalid size: "${value}"`);
  if (style === '-') return [0, num];
  if (style === '+') return [num, Number.MAX_SAFE_INTEGER];
  return [num, num + multiplier - 1];
}

function parseInterval(value: string): { secs: number; resolution: number; modifier: string } {
  const m = /^\s*([+-]?)(?:(\d+(?:\.\d*)?)\s*[wW])?\s*(?:(\d+(?:\.\d*)?)\s*[dD])?\s*(?:(\d+(?:\.\d*)?)\s*[hH])?\s*(?:(\d+(?:\.\d*)?)\s*[mM])?\s*(?:(\d+(?:\.\d*)?)\s*[sS])?\s*$/.exec(value);
  if (!m) throw new FindOptionError(`invalid time interval: '${value}'`);
  let secs = 0;
  let resolution = 0;
  const units: Array<[number, number]> = [[6, 1], [5, 60], [4, 3600], [3, 86400], [2, 604800]];
  for (const [group, mult] of units) {
    if (m[group] !== undefined) {
      secs += Number(m[group]) * mult;
      if (!resolution) resolution = mult;
    }
  }
  if (!resolution) throw new FindOptionError(`invalid time interval: '${value}'`);
  return { secs, resolution, modifier: m[1] };
}

function typeSet(value: string): Set<number> {
  const set = new Set<number>();
  for (const ch of value.trim().replace(/,/g, '').split(/\s+/).join('')) {
    if (!(ch in FILE_TYPES)) throw new FindOptionError(`invalid file type "${ch}"`);
    set.add(FILE_TYPES[ch]);
  }
  return set;
}

function makeCriterion(key: string, value: string): Criterion | Action {
  switch (key) {
    case 'name':
    case 'iname': {
      const re = nameRegex(value, key === 'iname');
      return { needsStat: false, match: (_d, name) => reMatch(re, name) };
    }
    case 'regex':
    case 'iregex': {
      const re = userRegex(value, key === 'iregex' ? 2 : 0, true);
      return { needsStat: false, match: (_d, name) => reMatch(re, name) };
    }
    case 'type': {
      const types = typeSet(value);
      return { needsStat: true, match: (_d, _n, st) => types.has(st!.mode & S_IFMT) };
    }
    case 'user': {
      const uids = new Set<number>();
      for (const name of value.replace(/,/g, ' ').split(/\s+/).filter(Boolean)) {
        if (/^\d+$/.test(name)) uids.add(Number(name));
        else {
          // Salt looks up the whole option value here, not each name.
          const entry = ospath.passwdByName(value);
          if (!entry) throw new FindOptionError(`no such user "${name}"`);
          uids.add(entry.uid);
        }
      }
      return { needsStat: true, match: (_d, _n, st) => uids.has(st!.uid) };
    }
    case 'group': {
      const gids = new Set<number>();
      for (const name of value.replace(/,/g, ' ').split(/\s+/).filter(Boolean)) {
        if (/^\d+$/.test(name)) gids.add(Number(name));
        else {
          const entry = ospath.groupByName(name);
          if (!entry) throw new FindOptionError(`no such group "${name}"`);
          gids.add(entry.gid);
        }
      }
      return { needsStat: true, match: (_d, _n, st) => gids.has(st!.gid) };
    }
    case 'size': {
      const [min, max] = parseSize(value);
      return { needsStat: true, match: (_d, _n, st) => min <= st!.size && st!.size <= max };
    }
    case 'mtime': {
      const { secs, resolution, modifier } = parseInterval(value);
      const limit = Date.now() / 1000 - Math.trunc(secs / resolution) * resolution;
      return {
        needsStat: true,
        match: (_d, _n, st) => {
          const mtime = Math.trunc(st!.mtimeMs / 1000);
          return modifier === '-' ? mtime >= limit : mtime <= limit;
        },
      };
    }
    case 'grep': {
      const re = userRegex(value, 0, false);
      return {
        needsStat: true,
        needsContents: true,
        match: (dir, name, st) => {
          if (!st!.isFile()) return null;
          const full = ospath.join(dir, name);
          try {
            return reMatch(re, readFileSync(full, 'latin1')) ? full : null;
          } catch {
            return null;
          }
        },
      };
    }
    case 'print': {
      const fmt = value.replace(/,/g, ' ').split(/\s+/).filter(Boolean);
      if (!fmt.length) fmt.push('path');
      return {
        needsStat: fmt.some((f) => f !== 'name' && f !== 'path'),
        execute: (fullpath, st) => {
          const out: unknown[] = [];
          for (const f of fmt) {
            if (f === 'path') out.push(fullpath);
            else if (f === 'name') out.push(ospath.basename(fullpath));
            else if (f === 'size') out.push(st!.size);
            else if (f === 'type') out.push(TYPE_LETTER[st!.mode & S_IFMT] ?? '?');
            else if (f === 'mode') out.push(parseInt((st!.mode).toString(8).slice(-3), 8));
            else if (f === 'mtime') out.push(Math.trunc(st!.mtimeMs / 1000));
            else if (f === 'user') out.push(ospath.passwdByUid(st!.uid)?.name ?? st!.uid);
            else if (f === 'group') out.push(ospath.groupByGid(st!.gid)?.name ?? st!.gid);
            else if (f === 'md5') out.push(st!.isFile() ? createHash('md5').update(readFileSync(fullpath)).digest('hex') : '');
          }
          return out.length === 1 ? out[0] : out;
        },
      };
    }
    case 'delete': {
      const types = typeSet(value.includes('a') ? 'bcdpfls' : value);
      return {
        needsStat: true,
        match: (_d, _n, st) => types.has(st!.mode & S_IFMT),
        execute: (fullpath) => {
          try {
            const st = lstatSync(fullpath);
            if (st.isDirectory()) rmSync(fullpath, { recursive: true });
            else unlinkSync(fullpath);
          } catch {
            return null;
          }
          return fullpath;
        },
      } as Criterion & Action;
    }
    case 'exec': {
      return {
        needsStat: false,
        execute: (fullpath) => {
          const command = value.replace(/\{\}/g, fullpath);
          try {
            const [file, ...args] = shlexSplit(command);
            const out = execFileSync(file, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
            return `${command}:\n${out}\n`;
          } catch {
            return `${fullpath}: Failed`;
          }
        },
      };
    }
    default:
      throw new FindOptionError(`invalid option "${key}"`);
  }
}

function statFollow(p: string): Stats {
  try {
    return statSync(p);
  } catch {
    return lstatSync(p);
  }
}

/** Python `os.path.relpath(path, start)` for a path under start. */
function depthBelow(dirpath: string, root: string): number {
  const rel = ospath.normpath(dirpath).slice(ospath.normpath(root).length).split('/').filter((c) => c && c !== '.' && c !== '..');
  return rel.length;
}

function listdir(p: string): string[] {
  const out: string[] = [];
  let dir;
  try {
    dir = opendirSync(p);
  } catch {
    return out;
  }
  try {
    for (let ent = dir.readSync(); ent; ent = dir.readSync()) out.push(ent.name);
  } finally {
    dir.closeSync();
  }
  return out;
}

/** `os.walk(top)` (top-down, not following links): [dirpath, dirs, files] per directory. */
function* walk(top: string): Generator<[string, string[], string[]]> {
  const names = listdir(top);
  if (!names.length && !isDir(top)) return;
  const dirs: string[] = [];
  const files: string[] = [];
  for (const n of names) (isDir(ospath.join(top, n)) ? dirs : files).push(n);
  const entry: [string, string[], string[]] = [top, dirs, files];
  yield entry;
  for (const d of entry[1]) {
    const full = ospath.join(top, d);
    if (isLinkPath(full)) continue;
    yield* walk(full);
  }
}

function isLinkPath(p: string): boolean {
  try {
    return lstatSync(p).isSymbolicLink();
  } catch {
    return false;
  }
}

function depthOption(v: unknown, key: string): number {
  if (typeof v === 'number') return v;
  const n = Number(pyStr(v));
  if (!Number.isInteger(n)) throw new FindOptionError(`invalid ${key}: "${pyStr(v)}"`);
  return n;
}

/**
 * The results of Salt's Finder for one starting path, in walk order.
 * @throws FindOptionError for an invalid option or value (Salt returns `error: ...`).
 */
export function findFiles(path: string, rawOptions: Record<string, unknown>): unknown[] {
  const options = { ...rawOptions };
  let mindepth = 0;
  let maxdepth: number | null = null;
  if ('mindepth' in options) {
    mindepth = depthOption(options.mindepth, 'mindepth');
    delete options.mindepth;
  }
  if ('maxdepth' in options) {
    maxdepth = depthOption(options.maxdepth, 'maxdepth');
    delete options.maxdepth;
  }
  let test = false;
  if ('test' in options) {
    test = !!options.test;
    delete options.test;
  }
  const pathCriteria: Criterion[] = [];
  const statCriteria: Criterion[] = [];
  const contentCriteria: Criterion[] = [];
  const actions: Action[] = [];
  for (const [key, value] of Object.entries(options)) {
    if (key.startsWith('_')) continue;
    if (value === null || value === undefined || value === false || value === '' || value === 0) throw new FindOptionError(`missing value for "${key}" option`);
    const obj = makeCriterion(key, pyStr(value));
    if ('match' in obj) {
      const c = obj as Criterion;
      (c.needsContents ? contentCriteria : c.needsStat ? statCriteria : pathCriteria).push(c);
    }
    if ('execute' in obj) {
      const a = obj as Action;
      if (test && key === 'delete') actions.push({ needsStat: true, execute: (p) => p });
      else actions.push(a);
    }
  }
  if (!actions.length) actions.push(makeCriterion('print', '') as Action);
  const criteria = [...pathCriteria, ...statCriteria, ...contentCriteria];

  const results: unknown[] = [];
  const check = (dir: string, name: string, full: string): void => {
    let st: Stats | undefined;
    for (const c of criteria) {
      if (!st && c.needsStat) st = statFollow(full);
      if (!c.match(dir, name, st)) return;
    }
    for (const a of actions) {
      if (!st && a.needsStat) st = statFollow(full);
      const r = a.execute(full, st);
      if (r !== null && r !== undefined) results.push(r);
    }
  };
  if (mindepth < 1) {
    const [dir, name] = ospath.split(path);
    try {
      check(dir, name, path);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
  }
  for (const [dirpath, dirs, files] of walk(path)) {
    const depth = depthBelow(dirpath, path) + 1;
    if (depth >= mindepth && (maxdepth === null || maxdepth >= depth)) {
      for (const name of [...dirs, ...files]) check(dirpath, name, ospath.join(dirpath, name));
    }
    if (maxdepth !== null && depth > maxdepth) dirs.length = 0;
  }
  return results;
}

const MAGIC = /[*?[]/;

/** Python's `glob.glob(pattern)` (no `**`): matching paths, hidden names only for dot patterns. */
export function pyGlob(pattern: string): string[] {
  if (!MAGIC.test(pattern)) {
    try {
      lstatSync(pattern);
      return [pattern];
    } catch {
      return [];
    }
  }
  const [dir, base] = ospath.split(pattern);
  const dirs = dir && dir !== pattern && MAGIC.test(dir) ? pyGlob(dir) : [dir];
  const out: string[] = [];
  for (const d of dirs) {
    if (!MAGIC.test(base)) {
      const full = ospath.join(d, base);
      try {
        lstatSync(full || '.');
        out.push(full);
      } catch {
        /* missing */
      }
      continue;
    }
    for (const name of listdir(d || '.')) {
      if (name.startsWith('.') && !base.startsWith('.')) continue;
      if (fnmatch(name, base)) out.push(d ? ospath.join(d, name) : name);
    }
  }
  return out;
}

/** Python's ordering for the values `file.find` sorts: numbers, strings, and lists of them. */
export function pySortKeyCompare(a: unknown, b: unknown): number {
  if (Array.isArray(a) && Array.isArray(b)) {
    for (let i = 0; i < Math.min(a.length, b.length); i++) {
      const c = pySortKeyCompare(a[i], b[i]);
      if (c) return c;
    }
    return a.length - b.length;
  }
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  const sa = pyStr(a);
  const sb = pyStr(b);
  // Python compares str by code point, which is not JS's UTF-16 order for astral characters.
  const ca = Array.from(sa, (c) => c.codePointAt(0)!);
  const cb = Array.from(sb, (c) => c.codePointAt(0)!);
  for (let i = 0; i < Math.min(ca.length, cb.length); i++) if (ca[i] !== cb[i]) return ca[i] - cb[i];
  return ca.length - cb.length;
}
