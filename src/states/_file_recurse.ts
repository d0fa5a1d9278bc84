/**
 * `file.recurse`: a directory of the fileserver (`salt://dir`) mirrored onto the minion, file by
 * file through `file.managed` and directory by directory through `file.directory`.
 */
import { existsSync, lstatSync, mkdirSync, readdirSync, rmSync, statSync, chmodSync } from 'node:fs';
import { isAbsolute, join, posix } from 'node:path';
import { pyStr } from '../state/_py.js';
import type { StateCallContext } from '../state/runner.js';
import type { StateRet } from './_define.js';
import { checkUser, expandUser, failWith, parseSaltUrl, strList } from './_file_common.js';

type StateFn = (p: Record<string, any>, ctx: StateCallContext) => StateRet | Promise<StateRet>;

/** The `file` state functions `file.recurse` drives. */
export interface RecurseDeps {
  managed: StateFn;
  directory: StateFn;
  normaliseMode: (mode: unknown) => string | null;
}

/** Salt's `check_include_exclude` for glob (or `E@` regex) include/exclude patterns. */
function includeExclude(path: string, include: unknown, exclude: unknown): boolean {
  const matches = (pat: unknown) => {
    const s = pyStr(pat);
    if (s.startsWith('E@')) return new RegExp(s.slice(2)).test(path);
    const re = new RegExp(`^${s.replace(/[.+^${}()|\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`, 's');
    return re.test(path);
  };
  const hasInc = include !== null && include !== undefined && include !== '';
  const hasExc = exclude !== null && exclude !== undefined && exclude !== '';
  if (!hasInc && !hasExc) return true;
  if (hasInc && !hasExc) return matches(include);
  if (!hasInc && hasExc) return !matches(exclude);
  return matches(include) && !matches(exclude);
}

/** Salt's `_is_valid_relpath`: no `..`, and not deeper than `maxdepth` directories. */
function validRelpath(rel: string, maxdepth: unknown): boolean {
  const parts = rel.split('/');
  if (parts.includes('..')) return false;
  if (maxdepth !== null && maxdepth !== undefined && parts.length - 1 > Number(maxdepth)) return false;
  return true;
}

/** Paths under `root` kept by `clean` (everything managed), removal in Salt's `_clean_dir` order. */
function cleanDir(root: string, keep: Set<string>, excludePat: unknown, test: boolean): string[] {
  const removed: string[] = [];
  const visit = (dir: string) => {
    for (const entry of readdirSync(dir).sort()) {
      const path = join(dir, entry);
      const rel = path.slice(root.length + 1);
      const kept = keep.has(path) || [...keep].some((k) => k.startsWith(`${path}/`));
      if (!kept && includeExclude(rel, null, excludePat)) {
        removed.push(path);
        if (!test) rmSync(path, { recursive: true, force: true });
        continue;
      }
      if (lstatSync(path).isDirectory()) visit(path);
    }
  };
  visit(root);
  return removed;
}

/** `file.recurse`. */
export async function recurseState(p: Record<string, any>, ctx: StateCallContext, kwargs: Record<string, unknown>, deps: RecurseDeps): Promise<StateRet> {
  const name = expandUser(pyStr(p.name ?? ''));
  const comments = new Map<string, string[]>();
  const ret: StateRet = { name, changes: {}, result: true, comment: '' };
  if ('mode' in kwargs) return failWith(ret, "'mode' is not allowed in 'file.recurse'. Please use 'file_mode' and 'dir_mode'.");
  const dirMode = deps.normaliseMode(p.dir_mode);
  const keepMode = typeof p.file_mode === 'string' && p.file_mode.toLowerCase() === 'keep';
  const fileMode = keepMode ? null : deps.normaliseMode(p.file_mode);
  const badOwner = checkUser(p.user, p.group, ctx.test);
  if (badOwner) return failWith(ret, badOwner);
  if (!isAbsolute(name)) return failWith(ret, `Specified file ${name} is not an absolute path`);
  const sources = strList(p.source).map((s) => s.replace(/\/+$/, ''));
  for (const s of sources) if (!s.startsWith('salt://')) return failWith(ret, `Invalid source '${s}' (must be a salt:// URI)`);
  // file.source_list: the first source that is a file or directory of the fileserver.
  let chosen: { path: string; env: string; files: string[] } | null = null;
  for (const s of sources) {
    const { path, env } = parseSaltUrl(s, ctx.env);
    const all = (await ctx.fileClient?.listFiles(env)) ?? [];
    const under = all.filter((f) => f.startsWith(`${path}/`));
    if (under.length || all.includes(path)) {
      chosen = { path, env, files: under };
      break;
    }
  }
  if (!chosen) return failWith(ret, 'Recurse failed: none of the specified sources were found');
  if (!chosen.files.length) {
    return failWith(ret, `The directory '${chosen.path}' does not exist on the salt fileserver in saltenv '${chosen.env}'`);
  }
  if (!existsSync(name) || !statSync(name).isDirectory()) {
    if (existsSync(name)) return failWith(ret, `The path ${name} exists and is not a directory`);
    if (!ctx.test) {
      mkdirSync(name, { recursive: true });
      if (dirMode) chmodSync(name, Number.parseInt(dirMode, 8));
    }
  }
  const addComment = (path: string, comment: unknown) => {
    const list = comments.get(path) ?? [];
    if (Array.isArray(comment)) list.push(...comment.map((c) => pyStr(c)));
    else list.push(pyStr(comment));
    comments.set(path, list);
  };
  const merge = (path: string, r: StateRet) => {
    if (r.result === false || ret.result === true) ret.result = r.result;
    if (r.result !== true && r.comment) addComment(path, r.comment);
    if (Object.keys(r.changes).length) ret.changes[path] = r.changes;
  };
  const files: Array<[string, string]> = [];
  const dirs = new Set<string>();
  const keep = new Set<string>();
  const prefix = `${chosen.path}/`;
  for (const f of chosen.files) {
    const rel = posix.relative(prefix, f);
    if (!validRelpath(rel, p.maxdepth) || !includeExclude(rel, p.include_pat, p.exclude_pat)) continue;
    const dest = join(name, rel);
    keep.add(dest);
    dirs.add(posix.dirname(dest));
    files.push([dest, `salt://${f}${chosen.env !== ctx.env ? `?saltenv=${chosen.env}` : ''}`]);
  }
  for (const dir of [...dirs].sort()) {
    if (p.clean && existsSync(dir) && !statSync(dir).isDirectory()) {
      if (ctx.test) {
        merge(dir, { name, changes: {}, result: null, comment: `Replacing ${dir} with a directory` });
        continue;
      }
      rmSync(dir, { force: true });
      merge(dir, { name, changes: { diff: 'Replaced file with a directory' }, result: true, comment: '' });
    }
    const r = await deps.directory(
      { name: dir, user: p.user, group: p.group, recurse: [], dir_mode: dirMode, file_mode: null, makedirs: true, clean: false, require: null, exclude_pat: null, follow_symlinks: false, force: false, mode: null },
      ctx,
    );
    merge(dir, r);
  }
  for (const [dest, src] of files.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    if (p.clean && existsSync(dest) && statSync(dest).isDirectory() && p.replace !== false) {
      if (ctx.test) {
        merge(dest, { name, changes: {}, result: null, comment: `Replacing directory ${dest} with a file` });
        continue;
      }
      rmSync(dest, { recursive: true, force: true });
      merge(dest, { name, changes: { diff: 'Replaced directory with a new file' }, result: true, comment: '' });
    }
    const r = await deps.managed(
      {
        name: dest, source: src, source_hash: '', user: p.user, group: p.group, mode: keepMode ? null : fileMode, template: p.template, makedirs: true,
        dir_mode: null, context: p.context, replace: p.replace, defaults: p.defaults, backup: p.backup, show_changes: true, create: true,
        contents: null, contents_pillar: null, contents_newline: true, follow_symlinks: true,
      },
      ctx,
    );
    merge(dest, r);
  }
  if (p.clean && existsSync(name)) {
    const removed = cleanDir(name, keep, p.exclude_pat, ctx.test);
    if (removed.length) {
      if (ctx.test) {
        if (ret.result) ret.result = null;
        addComment('removed', removed);
      } else ret.changes.removed = removed;
    }
  }
  ret.comment = [...comments.entries()].map(([k, v]) => `\n#### ${k} ####\n${v.join('\n')}`).join('\n').trim();
  if (!ret.comment) ret.comment = `Recursively updated ${name}`;
  if (!Object.keys(ret.changes).length && ret.result) ret.comment = `The directory ${name} is in the correct state`;
  return ret;
}
