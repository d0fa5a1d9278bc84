/**
 * Salt's `file` state module (part): managed, directory, absent, symlink, append, replace,
 * touch, copy. Texts and change keys follow Salt 3006.
 */
import { chmodSync, chownSync, copyFileSync, existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, readlinkSync, renameSync, rmSync, statSync, symlinkSync, utimesSync, writeFileSync, type Stats } from 'node:fs';
import { dirname, isAbsolute, join } from 'node:path';
import type { SaltModule } from '../loader/types.js';
import type { StateCallContext } from '../state/runner.js';
import { isDict, pyStr } from '../state/_py.js';
import { defineState, type StateRet } from './_define.js';
import { getDiff, unifiedDiffLines } from './_diff.js';
import { blockreplaceState, keyvalueState, lineState, prependState } from './_file_edit.js';
import { checkUser, fetchSource, gidOf, ownerDiffers, renderJinjaSource, uidOf } from './_file_common.js';
import { recurseState } from './_file_recurse.js';
import { serializeState } from './_file_serialize.js';

const TEST_NOTE = 'Note: No changes made, actual changes may\nbe different due to other states.';

function lstatOrNull(p: string): Stats | null {
  try {
    return lstatSync(p);
  } catch {
    return null;
  }
}

/** A state mode argument (YAML int 640 or string '0640') as Salt's 4-digit string, or null. */
export function normaliseMode(mode: unknown): string | null {
  if (mode === null || mode === undefined || mode === '') return null;
  const s = pyStr(mode).replace(/^0o/, '');
  if (!/^[0-7]+$/.test(s)) return null;
  return (Number.parseInt(s, 8) & 0o7777).toString(8).padStart(4, '0');
}

function modeOf(st: Stats): string {
  return (st.mode & 0o7777).toString(8).padStart(4, '0');
}

function umask(): number {
  const u = process.umask();
  return u;
}

/** Python's `str.splitlines()` without endings. */
function splitLines(s: string): string[] {
  const lines = s.split(/\r\n|\n|\r/);
  if (lines.length && lines[lines.length - 1] === '') lines.pop();
  return lines;
}

function traverse(data: unknown, key: string, delimiter = ':'): unknown {
  let cur: any = data;
  for (const part of key.split(delimiter)) {
    if (cur === null || cur === undefined || typeof cur !== 'object') return undefined;
    cur = Array.isArray(cur) ? cur[Number(part)] : cur[part];
  }
  return cur;
}

function ret0(name: unknown): StateRet {
  return { name, changes: {}, result: true, comment: '' };
}

/** The `user`/`group` changes a path needs (Salt's check_perms keys), by what it has now. */
function ownerChanges(st: Stats, user: unknown, group: unknown): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (ownerDiffers(user, st.uid, 'user')) out.user = user;
  if (ownerDiffers(group, st.gid, 'group')) out.group = group;
  return out;
}

/** Sets the owner/group a change set names (mode bits kept, as Salt's check_perms does). */
function applyOwner(path: string, st: Stats, ch: Record<string, unknown>): void {
  if (!('user' in ch) && !('group' in ch)) return;
  const uid = 'user' in ch ? uidOf(ch.user) ?? -1 : -1;
  const gid = 'group' in ch ? gidOf(ch.group) ?? -1 : -1;
  chownSync(path, uid, gid);
  chmodSync(path, st.mode & 0o7777);
}

/** Salt's `backup_minion`: a copy of `path` under `<cachedir>/file_backup/<dir>/<name>_<stamp>`. */
function backupMinion(path: string, cachedir: string): void {
  const d = new Date();
  const days = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
  const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  const p2 = (n: number) => String(n).padStart(2, '0');
  const micros = String(BigInt(Date.now()) * 1000n + BigInt(process.hrtime()[1] % 1000)).slice(-6);
  const stamp = `${days[d.getDay()]}_${months[d.getMonth()]}_${p2(d.getDate())}_${p2(d.getHours())}:${p2(d.getMinutes())}:${p2(d.getSeconds())}_${micros}_${d.getFullYear()}`;
  const bkpath = join(cachedir, 'file_backup', dirname(path).replace(/^\/+/, ''), `${path.split('/').pop()}_${stamp}`);
  mkdirSync(dirname(bkpath), { recursive: true });
  const st = statSync(path);
  copyFileSync(path, bkpath);
  chownSync(bkpath, st.uid, st.gid);
  chmodSync(bkpath, st.mode & 0o7777);
}

async function managed(p: Record<string, any>, ctx: StateCallContext): Promise<StateRet> {
  const name = pyStr(p.name);
  const ret: StateRet = { changes: {}, comment: '', name, result: true };
  const badOwner = checkUser(p.user, p.group, ctx.test);
  if (badOwner) {
    ret.result = false;
    ret.comment = badOwner;
    return ret;
  }
  if (!isAbsolute(name)) {
    ret.result = false;
    ret.comment = `Specified file ${name} is not an absolute path`;
    return ret;
  }
  const wantMode = normaliseMode(p.mode);
  let contents: string | null = null;
  if (p.contents_pillar !== null && p.contents_pillar !== undefined) {
    const v = traverse(ctx.pillar, pyStr(p.contents_pillar));
    if (v === undefined) {
      ret.result = false;
      ret.comment = `Pillar ${pyStr(p.contents_pillar)} does not exist`;
      return ret;
    }
    contents = pyStr(v);
  } else if (p.contents !== null && p.contents !== undefined) {
    contents = Array.isArray(p.contents) ? p.contents.map((x: unknown) => pyStr(x)).join('\n') : pyStr(p.contents);
  }
  if (contents !== null && p.contents_newline !== false && !contents.endsWith('\n')) contents += '\n';
  const st = lstatOrNull(name);
  if (st && st.isDirectory()) {
    ret.result = false;
    ret.comment = `Specified target ${name} is a directory`;
    return ret;
  }
  if (!st && p.create === false) {
    ret.comment = `File ${name} is not present and is not set for creation`;
    return ret;
  }
  // Neither source nor contents: make sure the file exists.
  if (contents === null && (p.source === null || p.source === undefined)) {
    if (st) {
      const mchg = wantMode && modeOf(st) !== wantMode ? wantMode : null;
      const owner = ownerChanges(st, p.user, p.group);
      if (ctx.test && (mchg || Object.keys(owner).length)) {
        ret.result = null;
        ret.changes = { ...owner, ...(mchg ? { mode: mchg } : {}) };
        ret.comment = `The file ${name} is set to be changed\n${TEST_NOTE}`;
        return ret;
      }
      applyOwner(name, st, owner);
      Object.assign(ret.changes, owner);
      if (mchg) {
        chmodSync(name, Number.parseInt(mchg, 8));
        ret.changes.mode = mchg;
      }
      ret.comment = `File ${name} exists with proper permissions. No changes made.`;
      return ret;
    }
    if (ctx.test) {
      ret.result = null;
      ret.changes = { newfile: name };
      ret.comment = `The file ${name} is set to be changed\n${TEST_NOTE}`;
      return ret;
    }
    if (!existsSync(dirname(name))) {
      if (!p.makedirs) {
        ret.result = false;
        ret.comment = 'Parent directory not present';
        return ret;
      }
      mkdirSync(dirname(name), { recursive: true });
    }
    writeFileSync(name, '', { mode: 0o666 & ~umask() });
    if (wantMode) chmodSync(name, Number.parseInt(wantMode, 8));
    const owner = ownerChanges(lstatSync(name), p.user, p.group);
    applyOwner(name, lstatSync(name), owner);
    ret.changes = { new: `file ${name} created`, ...owner };
    ret.comment = 'Empty file';
    return ret;
  }
  let data: Buffer;
  const fromSource = contents === null;
  if (fromSource) {
    const src = await fetchSource(ctx, p.source);
    if (!src) {
      ret.result = false;
      ret.comment = `Source file ${pyStr(Array.isArray(p.source) ? p.source[0] : p.source)} not found in saltenv '${ctx.env}'`;
      return ret;
    }
    data = src.data;
    if (p.template) {
      if (pyStr(p.template) !== 'jinja') {
        ret.result = false;
        ret.comment = `Specified template format ${pyStr(p.template)} is not supported`;
        return ret;
      }
      try {
        data = Buffer.from(await renderJinjaSource(ctx, data.toString('utf8'), { source: src.url, name, defaults: p.defaults, context: p.context }));
      } catch (err) {
        ret.result = false;
        ret.comment = `Unable to manage file: ${(err as Error).message}`;
        return ret;
      }
    }
  } else {
    data = Buffer.from(contents!, 'utf8');
  }
  const target = st ? readFileSync(name) : null;
  const curMode = st ? modeOf(st) : null;
  const desiredMode = wantMode ?? (st ? curMode : ((0o777 ^ umask()) & 0o666).toString(8).padStart(4, '0'));
  const owner = st ? ownerChanges(st, p.user, p.group) : {};
  if (target && target.equals(data) && (!wantMode || curMode === wantMode) && !Object.keys(owner).length) {
    ret.comment = `File ${name} is in the correct state`;
    return ret;
  }
  if (st && p.replace === false) {
    ret.comment = `File ${name} exists. No changes made.`;
    return ret;
  }
  const diff = () => {
    if (p.show_changes === false) return '<show_changes=False>';
    const a = target!.toString('utf8');
    const b = data.toString('utf8');
    return getDiff(a, b);
  };
  if (ctx.test) {
    ret.result = null;
    if (!st) ret.changes = { newfile: name };
    else {
      if (!target!.equals(data)) ret.changes.diff = diff();
      Object.assign(ret.changes, owner);
      if (wantMode && curMode !== wantMode) ret.changes.mode = wantMode;
    }
    ret.comment = `The file ${name} is set to be changed\n${TEST_NOTE}`;
    return ret;
  }
  if (!st) {
    if (!existsSync(dirname(name))) {
      if (!p.makedirs) {
        ret.result = false;
        ret.comment = 'Parent directory not present';
        return ret;
      }
      mkdirSync(dirname(name), { recursive: true });
    }
    // Salt creates the file from a mkstemp copy (0600) for a source, else under the umask.
    const initial = fromSource ? '0600' : wantMode ? '0600' : ((0o666 & ~umask())).toString(8).padStart(4, '0');
    writeFileSync(name, data, { mode: Number.parseInt(initial, 8) });
    chmodSync(name, Number.parseInt(initial, 8));
    ret.changes.diff = 'New file';
    const newOwner = ownerChanges(lstatSync(name), p.user, p.group);
    applyOwner(name, lstatSync(name), newOwner);
    Object.assign(ret.changes, newOwner);
    if (desiredMode && desiredMode !== initial) {
      chmodSync(name, Number.parseInt(desiredMode, 8));
      ret.changes.mode = desiredMode;
    }
  } else {
    if (!target!.equals(data)) {
      ret.changes.diff = diff();
      const backupMode = p.backup ? pyStr(p.backup) : pyStr(ctx.opts.backup_mode ?? '');
      if (backupMode === 'minion') backupMinion(name, pyStr(ctx.opts.cachedir ?? '/var/cache/salt/minion'));
      writeFileSync(name, data);
    }
    applyOwner(name, st, owner);
    Object.assign(ret.changes, owner);
    if (wantMode && curMode !== wantMode) {
      chmodSync(name, Number.parseInt(wantMode, 8));
      ret.changes.mode = wantMode;
    }
  }
  ret.comment = `File ${name} updated`;
  return ret;
}

/** Paths under `dir` (walk order: files of a directory, then its subdirectories, top-down). */
function walk(dir: string): Array<{ path: string; isDir: boolean }> {
  const out: Array<{ path: string; isDir: boolean }> = [];
  const visit = (d: string) => {
    const entries = readdirSync(d, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1));
    const dirs = entries.filter((e) => e.isDirectory());
    const files = entries.filter((e) => !e.isDirectory());
    for (const f of files) out.push({ path: join(d, f.name), isDir: false });
    for (const sd of dirs) out.push({ path: join(d, sd.name), isDir: true });
    for (const sd of dirs) visit(join(d, sd.name));
  };
  visit(dir);
  return out;
}

/** File paths this state requires through `require: - file: path` (kept by `clean`). */
function requiredFiles(ctx: StateCallContext): string[] {
  const out: string[] = [];
  for (const req of (ctx.low.require as unknown[]) ?? []) {
    if (isDict(req) && 'file' in req) out.push(pyStr(req.file));
  }
  return out;
}

const RECURSE_TYPES = ['user', 'group', 'mode', 'ignore_files', 'ignore_dirs', 'silent'];

/** Salt's `_get_recurse_set`: the `recurse` list as a set, or the error text. */
function recurseSet(recurse: unknown): Set<string> | string {
  if (recurse === null || recurse === undefined || recurse === false || (Array.isArray(recurse) && !recurse.length)) return new Set();
  if (!Array.isArray(recurse)) return '"recurse" must be formed as a list of strings';
  const set = new Set(recurse.map((x) => pyStr(x)));
  if (recurse.some((x) => typeof x !== 'string') || [...set].some((x) => !RECURSE_TYPES.includes(x))) {
    return `Types for "recurse" limited to ${RECURSE_TYPES.map((t) => `"${t}"`).join(', ')}.`;
  }
  if (set.has('ignore_files') && set.has('ignore_dirs')) return 'Must not specify "recurse" options "ignore_files" and "ignore_dirs" at the same time.';
  return set;
}

/** Salt's `_check_dir_meta` / per-file check: the user/group/mode changes a path needs. */
function metaChanges(path: string, user: unknown, group: unknown, mode: string | null): Record<string, unknown> {
  const st = lstatOrNull(path);
  if (!st) return { directory: 'new' };
  const out: Record<string, unknown> = ownerChanges(st, user, group);
  if (mode && modeOf(st) !== mode && !st.isSymbolicLink()) out.mode = mode;
  return out;
}

function directory(p: Record<string, any>, ctx: StateCallContext): StateRet {
  const name = pyStr(p.name).replace(/\/+$/, '') || '/';
  const ret: StateRet = { name, changes: {}, result: true, comment: '' };
  const badOwner = checkUser(p.user, p.group, ctx.test);
  if (badOwner) {
    ret.result = false;
    ret.comment = badOwner;
    return ret;
  }
  if (!isAbsolute(name)) {
    ret.result = false;
    ret.comment = `Specified file ${name} is not an absolute path`;
    return ret;
  }
  const st = lstatOrNull(name);
  if (st && !st.isDirectory()) {
    ret.result = false;
    ret.comment = `Specified location ${name} exists and is ${st.isSymbolicLink() ? 'a symlink' : 'a file'}`;
    return ret;
  }
  const dirMode = normaliseMode(p.dir_mode ?? p.mode);
  const fileMode = normaliseMode(p.file_mode ?? p.mode);
  const rset = recurseSet(p.recurse);
  if (typeof rset === 'string') {
    ret.result = false;
    ret.comment = rset;
    return ret;
  }
  const changes: Record<string, Record<string, unknown>> = {};
  const keep = requiredFiles(ctx);
  const toRemove: string[] = [];
  const entries = st && (p.recurse || p.clean) ? walk(name) : [];
  if (st && rset.size) {
    const ru = rset.has('user') ? p.user : null;
    const rg = rset.has('group') ? p.group : null;
    const rm = rset.has('mode');
    for (const e of entries) {
      if (e.isDir ? rset.has('ignore_dirs') : rset.has('ignore_files')) continue;
      const ch = metaChanges(e.path, ru, rg, rm ? (e.isDir ? dirMode : fileMode) : null);
      if (Object.keys(ch).length) changes[e.path] = ch;
    }
  }
  if (st && !p.children_only) {
    const ch = metaChanges(name, p.user, p.group, dirMode);
    if (Object.keys(ch).length) changes[name] = ch;
  }
  if (st && p.clean) {
    for (const e of entries) {
      const kept = keep.some((k) => k === e.path || k.startsWith(`${e.path}/`));
      if (!kept) {
        changes[e.path] = { removed: 'Removed due to clean' };
        toRemove.push(e.path);
      }
    }
  }
  if (!st) changes[name] = { directory: 'new' };
  if (ctx.test) {
    if (!Object.keys(changes).length) {
      ret.comment = `The directory ${name} is in the correct state`;
      return ret;
    }
    ret.result = null;
    ret.changes = changes;
    ret.comment = `The following files will be changed:\n${Object.entries(changes)
      .map(([path, ch]) => Object.entries(ch).map(([k, v]) => `${path}: ${k} - ${pyStr(v)}\n`).join(''))
      .join('')}`;
    return ret;
  }
  if (!Object.keys(changes).length) {
    ret.comment = `The directory ${name} is in the correct state`;
    return ret;
  }
  if (!st) {
    if (!existsSync(dirname(name))) {
      if (!p.makedirs) {
        ret.result = false;
        ret.changes = changes;
        ret.comment = `No directory to create ${name} in`;
        return ret;
      }
    }
    mkdirSync(name, { recursive: true });
    if (dirMode) chmodSync(name, Number.parseInt(dirMode, 8));
    applyOwner(name, lstatSync(name), ownerChanges(lstatSync(name), p.user, p.group));
    ret.changes = changes;
    return ret;
  }
  ret.changes = { ...changes };
  // Salt's check_perms calls report into the top-level changes: the last user/group/mode set wins.
  const report = (path: string, ch: Record<string, unknown>) => {
    const cur = lstatSync(path);
    applyOwner(path, cur, ch);
    if ('user' in ch) ret.changes.user = ch.user;
    if ('group' in ch) ret.changes.group = ch.group;
    if ('mode' in ch) {
      chmodSync(path, Number.parseInt(String(ch.mode), 8));
      ret.changes.mode = ch.mode;
    }
  };
  if (!p.children_only && changes[name]) report(name, changes[name]);
  if (rset.size) {
    if (rset.has('user') && (p.user === null || p.user === undefined || p.user === '')) {
      ret.result = false;
      ret.comment = 'user not specified, but configured as a target for recursive ownership management';
    } else if (rset.has('user') && uidOf(p.user) === null) {
      ret.result = false;
      ret.comment = `Failed to enforce ownership for user ${pyStr(p.user)} (user does not exist)`;
    }
    if (rset.has('group') && (p.group === null || p.group === undefined || p.group === '')) {
      ret.result = false;
      ret.comment = 'group not specified, but configured as a target for recursive ownership management';
    } else if (rset.has('group') && gidOf(p.group) === null) {
      ret.result = false;
      ret.comment = `Failed to enforce group ownership for group ${pyStr(p.group)}`;
    }
    if (rset.has('silent')) ret.changes = { recursion: 'Changes silenced' };
    for (const [path, ch] of Object.entries(changes)) if (path !== name && !('removed' in ch)) report(path, ch);
  }
  const removed: string[] = [];
  for (const path of toRemove) {
    if (!existsSync(path) && !lstatOrNull(path)) continue;
    if (removed.some((r) => path.startsWith(`${r}/`))) continue;
    rmSync(path, { recursive: true, force: true });
    removed.push(path);
  }
  if (removed.length) {
    ret.changes.removed = removed;
    ret.comment = `Files cleaned from directory ${name}`;
  }
  if (!ret.comment) {
    if (p.children_only) ret.comment = `Directory ${name}/* updated`;
    else if (Object.keys(ret.changes).length) ret.comment = `Directory ${name} updated`;
  }
  if (!Object.keys(ret.changes).length && ret.result) {
    ret.comment = ret.comment ? `Directory ${name} is in the correct state\n${ret.comment}` : `Directory ${name} is in the correct state`;
  }
  return ret;
}

function absent(p: Record<string, any>, ctx: StateCallContext): StateRet {
  const name = pyStr(p.name);
  const ret = ret0(name);
  if (!isAbsolute(name)) {
    ret.result = false;
    ret.comment = `Specified file ${name} is not an absolute path`;
    return ret;
  }
  if (name === '/') {
    ret.result = false;
    ret.comment = 'Refusing to make "/" absent';
    return ret;
  }
  const st = lstatOrNull(name);
  if (!st) {
    ret.comment = `File ${name} is not present`;
    return ret;
  }
  const kind = st.isDirectory() ? 'Directory' : 'File';
  if (ctx.test) {
    ret.result = null;
    ret.changes.removed = name;
    ret.comment = `${kind} ${name} is set for removal`;
    return ret;
  }
  rmSync(name, { recursive: true, force: true });
  ret.changes.removed = name;
  ret.comment = `Removed ${kind.toLowerCase()} ${name}`;
  return ret;
}

function symlink(p: Record<string, any>, ctx: StateCallContext): StateRet {
  const name = pyStr(p.name);
  const target = pyStr(p.target);
  const ret = ret0(name);
  if (!isAbsolute(name)) {
    ret.result = false;
    ret.comment = `Specified file ${name} is not an absolute path`;
    return ret;
  }
  const st = lstatOrNull(name);
  const parent = dirname(name);
  if (ctx.test) {
    if (st?.isSymbolicLink()) {
      if (readlinkSync(name) !== target) {
        ret.result = null;
        ret.changes.change = name;
        ret.comment = `Link ${name} target is set to be changed to ${target}`;
      } else ret.comment = `Symlink ${name} is present and owned by ${userName()}:${groupName()}`;
      return ret;
    }
    if (st) {
      if (p.force) {
        ret.result = null;
        ret.comment = `The file or directory ${name} is set for removal to make way for a new symlink targeting ${target}`;
      } else {
        ret.result = false;
        ret.comment = `File or directory exists where the symlink ${name} should be. Did you mean to use force?`;
      }
      return ret;
    }
    ret.result = null;
    ret.changes.new = name;
    ret.comment = `Symlink ${name} to ${target} is set for creation`;
    if (!existsSync(parent)) ret.comment += p.makedirs ? `\n${parent} will be created` : `\nDirectory ${parent} for symlink is not present`;
    return ret;
  }
  if (!existsSync(parent)) {
    if (!p.makedirs) {
      ret.result = false;
      ret.comment = `Directory ${parent} for symlink is not present`;
      return ret;
    }
    mkdirSync(parent, { recursive: true });
  }
  if (st?.isSymbolicLink() && readlinkSync(name) === target) {
    ret.comment = `Symlink ${name} is present and owned by ${userName()}:${groupName()}`;
    return ret;
  }
  if (st && !st.isSymbolicLink()) {
    if (!p.force) {
      ret.result = false;
      ret.comment = `${st.isDirectory() ? 'Directory' : 'File'} exists where the symlink ${name} should be`;
      return ret;
    }
    rmSync(name, { recursive: true, force: true });
  } else if (st) rmSync(name, { force: true });
  symlinkSync(target, name);
  ret.changes.new = name;
  ret.comment = `Created new symlink ${name} -> ${target}`;
  return ret;
}

function userName(): string {
  return process.env.USER ?? 'root';
}
function groupName(): string {
  return process.env.USER ?? 'root';
}

function append(p: Record<string, any>, ctx: StateCallContext): StateRet {
  const name = pyStr(p.name);
  const ret = ret0(name);
  if (!isAbsolute(name)) {
    ret.result = false;
    ret.comment = `Specified file ${name} is not an absolute path`;
    return ret;
  }
  let text: string[] = p.text === null || p.text === undefined ? [] : Array.isArray(p.text) ? p.text.map((t: unknown) => pyStr(t)) : [pyStr(p.text)];
  const st = lstatOrNull(name);
  if (!st) {
    if (!p.makedirs && !existsSync(dirname(name))) {
      ret.result = false;
      ret.comment = `Directory ${dirname(name)} for file ${name} is not present`;
      return ret;
    }
  }
  const before = st ? readFileSync(name, 'utf8') : '';
  const beforeLines = splitLines(before);
  const lines = text.flatMap((t) => splitLines(t));
  const toAdd: string[] = [];
  for (const line of lines) {
    if (!before.includes(line)) toAdd.push(line);
  }
  if (!toAdd.length) {
    ret.comment = `File ${name} is in correct state`;
    return ret;
  }
  const after = [...beforeLines, ...toAdd];
  const diff = unifiedDiffLines(beforeLines, after).join('\n');
  ret.changes.diff = diff;
  if (ctx.test) {
    ret.result = null;
    ret.comment = `File ${name} is set to be updated`;
    return ret;
  }
  if (!st && p.makedirs) mkdirSync(dirname(name), { recursive: true });
  const prefix = before && !before.endsWith('\n') ? '\n' : '';
  writeFileSync(name, before + prefix + toAdd.map((l) => `${l}\n`).join(''));
  ret.comment = `Appended ${toAdd.length} lines`;
  return ret;
}

/** A Python regex replacement string in JS syntax (`\1` → `$1`, `\g<x>` → `$<x>`). */
function pyRepl(repl: string): string {
  return repl.replace(/\$/g, '$$$$').replace(/\\(\d+)|\\g<(\w+)>|\\n|\\t|\\\\/g, (m, d, g) => {
    if (d) return `$${d}`;
    if (g) return /^\d+$/.test(g) ? `$${g}` : `$<${g}>`;
    return m === '\\n' ? '\n' : m === '\\t' ? '\t' : '\\';
  });
}

function replace(p: Record<string, any>, ctx: StateCallContext): StateRet {
  const name = pyStr(p.name);
  const ret = ret0(name);
  const st = lstatOrNull(name);
  if (!st) {
    if (p.ignore_if_missing) {
      ret.comment = 'No changes needed to be made';
      return ret;
    }
    ret.result = false;
    ret.comment = `${name}: file not found`;
    return ret;
  }
  let flags = 'gm';
  const flagList: string[] = Array.isArray(p.flags) ? p.flags.map(String) : [];
  if (flagList.some((f) => f.toUpperCase() === 'IGNORECASE' || f.toUpperCase() === 'I')) flags += 'i';
  if (flagList.some((f) => f.toUpperCase() === 'DOTALL' || f.toUpperCase() === 'S')) flags += 's';
  const before = readFileSync(name, 'utf8');
  const re = new RegExp(pyStr(p.pattern), flags);
  const repl = pyRepl(pyStr(p.repl));
  const count = Number(p.count ?? 0);
  let n = 0;
  let after = before.replace(re, (...args) => {
    if (count && n >= count) return args[0];
    n++;
    return args[0].replace(new RegExp(re.source, flags.replace('g', '')), repl);
  });
  if (!n && (p.append_if_not_found || p.prepend_if_not_found)) {
    const line = pyStr(p.not_found_content ?? p.repl);
    const contentLine = line.endsWith('\n') ? line : `${line}\n`;
    if (p.prepend_if_not_found) after = contentLine + before;
    else after = (before && !before.endsWith('\n') ? `${before}\n` : before) + contentLine;
  }
  if (after === before) {
    ret.comment = 'No changes needed to be made';
    return ret;
  }
  if (p.show_changes !== false) ret.changes.diff = getDiff(before, after);
  if (ctx.test) {
    ret.result = null;
    ret.comment = 'Changes would have been made';
    return ret;
  }
  const backup = p.backup === undefined || p.backup === null ? '.bak' : p.backup;
  if (backup !== false && backup !== '') {
    const bak = `${name}${pyStr(backup)}`;
    copyFileSync(name, bak);
    chmodSync(bak, st.mode & 0o7777);
  }
  writeFileSync(name, after);
  ret.comment = 'Changes were made';
  return ret;
}

function touch(p: Record<string, any>, ctx: StateCallContext): StateRet {
  const name = pyStr(p.name);
  const ret = ret0(name);
  if (!isAbsolute(name)) {
    ret.result = false;
    ret.comment = `Specified file ${name} is not an absolute path`;
    return ret;
  }
  const exists = !!lstatOrNull(name);
  if (ctx.test) {
    ret.result = null;
    if (exists) {
      ret.changes.touched = name;
      ret.comment = `File ${name} is set to have its atime/mtime updated`;
    } else {
      ret.changes.new = name;
      ret.comment = `File ${name} is set to be created`;
    }
    return ret;
  }
  if (!existsSync(dirname(name))) {
    if (!p.makedirs) {
      ret.result = false;
      ret.comment = `Directory not present to touch file ${name}`;
      return ret;
    }
    mkdirSync(dirname(name), { recursive: true });
  }
  if (exists) {
    const now = new Date();
    utimesSync(name, now, now);
    ret.changes.touched = name;
    ret.comment = `Updated times on file ${name}`;
  } else {
    writeFileSync(name, '');
    ret.changes.new = name;
    ret.comment = `Created empty file ${name}`;
  }
  return ret;
}

function copy(p: Record<string, any>, ctx: StateCallContext): StateRet {
  const name = pyStr(p.name);
  const source = pyStr(p.source);
  const ret: StateRet = { name, changes: {}, comment: '', result: true };
  if (!isAbsolute(name)) {
    ret.result = false;
    ret.comment = `Specified file ${name} is not an absolute path`;
    return ret;
  }
  if (!existsSync(source)) {
    ret.result = false;
    ret.comment = `Source file "${source}" is not present`;
    return ret;
  }
  if (lstatOrNull(name) && !p.force) {
    ret.comment = `The target file "${name}" exists and will not be overwritten`;
    return ret;
  }
  if (ctx.test) {
    ret.result = null;
    ret.comment = `File "${source}" is set to be copied to "${name}"`;
    return ret;
  }
  if (!existsSync(dirname(name))) {
    if (!p.makedirs) {
      ret.result = false;
      ret.comment = `The target directory ${dirname(name)} is not present`;
      return ret;
    }
    mkdirSync(dirname(name), { recursive: true });
  }
  if (statSync(source).isDirectory()) {
    ret.result = false;
    ret.comment = `Copying directories is not supported here: "${source}"`;
    return ret;
  }
  copyFileSync(source, name);
  chmodSync(name, statSync(source).mode & 0o7777);
  ret.changes[name] = source;
  ret.comment = `Copied "${source}" to "${name}"`;
  return ret;
}

function rename(p: Record<string, any>, ctx: StateCallContext): StateRet {
  const name = pyStr(p.name);
  const source = pyStr(p.source);
  const ret = ret0(name);
  if (!lstatOrNull(source)) {
    ret.comment = `Source file "${source}" has already been moved out of place`;
    return ret;
  }
  if (lstatOrNull(name) && !p.force) {
    ret.comment = `The target file "${name}" exists and will not be overwritten`;
    return ret;
  }
  if (ctx.test) {
    ret.result = null;
    ret.comment = `File "${source}" is set to be moved to "${name}"`;
    return ret;
  }
  renameSync(source, name);
  ret.changes[name] = source;
  ret.comment = `Moved "${source}" to "${name}"`;
  return ret;
}

/** `file.exists` / `file.missing`: succeed only when the path is there (or is not). */
function pathCheck(p: Record<string, any>, wantExists: boolean): StateRet {
  const raw = pyStr(p.name ?? '');
  const name = raw.startsWith('~') ? raw.replace(/^~(?=\/|$)/, process.env.HOME ?? '~') : raw;
  const ret = ret0(name);
  const kind = wantExists ? 'exists' : 'missing';
  if (!name) {
    ret.result = false;
    ret.comment = `Must provide name to file.${kind}`;
    return ret;
  }
  const there = !!lstatOrNull(name) && existsSync(name);
  if (wantExists && !there) {
    ret.result = false;
    ret.comment = `Specified path ${name} does not exist`;
  } else if (!wantExists && there) {
    ret.result = false;
    ret.comment = `Specified path ${name} exists`;
  } else ret.comment = wantExists ? `Path ${name} exists` : `Path ${name} is missing`;
  return ret;
}

const MANAGED_ARGS = [
  'name', 'source', 'source_hash', 'user', 'group', 'mode', 'template', 'makedirs', 'dir_mode', 'context', 'replace',
  'defaults', 'backup', 'show_changes', 'create', 'contents', 'contents_pillar', 'contents_newline', 'follow_symlinks',
] as const;

const mod: SaltModule = {
  name: 'file',
  functions: {
    managed: defineState(
      {
        args: MANAGED_ARGS,
        defaults: {
          source: null, source_hash: '', user: null, group: null, mode: null, template: null, makedirs: false, dir_mode: null,
          context: null, replace: true, defaults: null, backup: '', show_changes: true, create: true, contents: null,
          contents_pillar: null, contents_newline: true, follow_symlinks: true,
        },
        kwargs: true,
        doc: 'Manage a given file, this function allows for a file to be downloaded from the salt master and potentially run through a templating system.',
      },
      (p, ctx) => managed(p, ctx),
    ),
    directory: defineState(
      {
        args: [
          'name', 'user', 'group', 'recurse', 'dir_mode', 'file_mode', 'makedirs', 'clean', 'require', 'exclude_pat', 'follow_symlinks', 'force', 'mode',
          'max_depth', 'backupname', 'allow_symlink', 'children_only',
        ],
        defaults: {
          user: null, group: null, recurse: null, dir_mode: null, file_mode: null, makedirs: false, clean: false, require: null,
          exclude_pat: null, follow_symlinks: false, force: false, mode: null, max_depth: null, backupname: null, allow_symlink: true, children_only: false,
        },
        kwargs: true,
        doc: 'Ensure that a named directory is present and has the right perms',
      },
      (p, ctx) => directory(p, ctx),
    ),
    absent: defineState({ args: ['name'], kwargs: true, doc: 'Make sure that the named file or directory is absent.' }, (p, ctx) => absent(p, ctx)),
    symlink: defineState(
      {
        args: ['name', 'target', 'force', 'backupname', 'makedirs', 'user', 'group', 'mode'],
        defaults: { force: false, backupname: null, makedirs: false, user: null, group: null, mode: null },
        kwargs: true,
        doc: 'Create a symbolic link (symlink, soft link)',
      },
      (p, ctx) => symlink(p, ctx),
    ),
    append: defineState(
      {
        args: ['name', 'text', 'makedirs', 'source', 'source_hash', 'template', 'sources', 'source_hashes', 'defaults', 'context', 'ignore_whitespace'],
        defaults: {
          text: null, makedirs: false, source: null, source_hash: null, template: 'jinja', sources: null, source_hashes: null,
          defaults: null, context: null, ignore_whitespace: true,
        },
        doc: 'Ensure that some text appears at the end of a file.',
      },
      (p, ctx) => append(p, ctx),
    ),
    replace: defineState(
      {
        args: [
          'name', 'pattern', 'repl', 'count', 'flags', 'bufsize', 'append_if_not_found', 'prepend_if_not_found', 'not_found_content',
          'backup', 'show_changes', 'ignore_if_missing', 'backslash_literal',
        ],
        defaults: {
          count: 0, flags: 8, bufsize: 1, append_if_not_found: false, prepend_if_not_found: false, not_found_content: null,
          backup: '.bak', show_changes: true, ignore_if_missing: false, backslash_literal: false,
        },
        doc: 'Maintain an edit in a file.',
      },
      (p, ctx) => replace(p, ctx),
    ),
    touch: defineState(
      { args: ['name', 'atime', 'mtime', 'makedirs'], defaults: { atime: null, mtime: null, makedirs: false }, doc: 'Replicate the \'nix "touch" command to create a new empty file or update the atime and mtime of an existing file.' },
      (p, ctx) => touch(p, ctx),
    ),
    copy: defineState(
      {
        args: ['name', 'source', 'force', 'makedirs', 'preserve', 'user', 'group', 'mode', 'subdir'],
        defaults: { force: false, makedirs: false, preserve: false, user: null, group: null, mode: null, subdir: false },
        kwargs: true,
        doc: 'If the file defined by the ``source`` option exists on the minion, copy it to the named path.',
      },
      (p, ctx) => copy(p, ctx),
    ),
    exists: defineState({ args: ['name'], kwargs: true, doc: 'Verify that the named file or directory is present or exists.' }, (p) => pathCheck(p, true)),
    missing: defineState({ args: ['name'], kwargs: true, doc: 'Verify that the named file or directory is missing.' }, (p) => pathCheck(p, false)),
    line: defineState(
      {
        args: ['name', 'content', 'match', 'mode', 'location', 'before', 'after', 'show_changes', 'backup', 'quiet', 'indent', 'create', 'user', 'group', 'file_mode'],
        defaults: {
          content: null, match: null, mode: null, location: null, before: null, after: null, show_changes: true, backup: false, quiet: false,
          indent: true, create: false, user: null, group: null, file_mode: null,
        },
        doc: 'Line-focused editing of a file.',
      },
      (p, ctx) => lineState(p, ctx),
    ),
    blockreplace: defineState(
      {
        args: [
          'name', 'marker_start', 'marker_end', 'source', 'source_hash', 'template', 'sources', 'source_hashes', 'defaults', 'context', 'content',
          'append_if_not_found', 'prepend_if_not_found', 'backup', 'show_changes', 'append_newline', 'insert_before_match', 'insert_after_match',
        ],
        defaults: {
          marker_start: '#-- start managed zone --', marker_end: '#-- end managed zone --', source: null, source_hash: null, template: 'jinja',
          sources: null, source_hashes: null, defaults: null, context: null, content: '', append_if_not_found: false, prepend_if_not_found: false,
          backup: '.bak', show_changes: true, append_newline: null, insert_before_match: null, insert_after_match: null,
        },
        doc: 'Maintain an edit in a file in a zone delimited by two line markers',
      },
      (p, ctx) => blockreplaceState(p, ctx),
    ),
    keyvalue: defineState(
      {
        args: [
          'name', 'key', 'value', 'key_values', 'separator', 'append_if_not_found', 'prepend_if_not_found', 'search_only', 'show_changes',
          'ignore_if_missing', 'count', 'uncomment', 'key_ignore_case', 'value_ignore_case',
        ],
        defaults: {
          key: null, value: null, key_values: null, separator: '=', append_if_not_found: false, prepend_if_not_found: false, search_only: false,
          show_changes: true, ignore_if_missing: false, count: 1, uncomment: null, key_ignore_case: false, value_ignore_case: false,
        },
        doc: 'Key/Value based editing of a file.',
      },
      (p, ctx) => keyvalueState(p, ctx),
    ),
    prepend: defineState(
      {
        args: ['name', 'text', 'makedirs', 'source', 'source_hash', 'template', 'sources', 'source_hashes', 'defaults', 'context', 'header'],
        defaults: {
          text: null, makedirs: false, source: null, source_hash: null, template: 'jinja', sources: null, source_hashes: null, defaults: null,
          context: null, header: null,
        },
        doc: 'Ensure that some text appears at the beginning of a file',
      },
      (p, ctx) => prependState(p, ctx, touch),
    ),
    serialize: defineState(
      {
        args: [
          'name', 'dataset', 'dataset_pillar', 'user', 'group', 'mode', 'backup', 'makedirs', 'show_changes', 'create', 'merge_if_exists',
          'encoding', 'encoding_errors', 'serializer', 'serializer_opts', 'deserializer_opts',
        ],
        defaults: {
          dataset: null, dataset_pillar: null, user: null, group: null, mode: null, backup: '', makedirs: false, show_changes: true, create: true,
          merge_if_exists: false, encoding: null, encoding_errors: 'strict', serializer: null, serializer_opts: null, deserializer_opts: null,
        },
        kwargs: true,
        doc: 'Serializes dataset and store it into managed file. Useful for sharing simple configuration files.',
      },
      (p, ctx, extra) => serializeState({ ...p, formatter: extra.kwargs.formatter }, ctx, managed),
    ),
    recurse: defineState(
      {
        args: [
          'name', 'source', 'keep_source', 'clean', 'require', 'user', 'group', 'dir_mode', 'file_mode', 'sym_mode', 'template', 'context', 'replace',
          'defaults', 'include_empty', 'backup', 'include_pat', 'exclude_pat', 'maxdepth', 'keep_symlinks', 'force_symlinks',
        ],
        defaults: {
          keep_source: true, clean: false, require: null, user: null, group: null, dir_mode: null, file_mode: null, sym_mode: null, template: null,
          context: null, replace: true, defaults: null, include_empty: false, backup: '', include_pat: null, exclude_pat: null, maxdepth: null,
          keep_symlinks: false, force_symlinks: false,
        },
        kwargs: true,
        doc: 'Recurse through a subdirectory on the master and copy said subdirectory over to the specified path.',
      },
      (p, ctx, extra) => recurseState(p, ctx, extra.kwargs, { managed, directory, normaliseMode }),
    ),
    rename: defineState(
      { args: ['name', 'source', 'force', 'makedirs'], defaults: { force: false, makedirs: false }, kwargs: true, doc: 'If the source file exists on the system, rename it to the named file.' },
      (p, ctx) => rename(p, ctx),
    ),
  },
};

export default mod;
