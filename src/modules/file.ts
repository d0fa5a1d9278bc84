/**
 * Salt's `file` execution module: read, write and edit files, their ownership, modes and
 * hashes, links, directory listings and `find`. Names, arguments, return values and error
 * texts are Salt 3006's; edits report unified diffs the way Salt does.
 */
import { createHash, getHashes, randomBytes } from 'node:crypto';
import {
  accessSync,
  chmodSync,
  chownSync,
  closeSync,
  constants as fsConstants,
  copyFileSync,
  cpSync,
  existsSync,
  lchownSync,
  lstatSync,
  mkdirSync,
  openSync,
  opendirSync,
  readFileSync,
  readSync,
  readlinkSync,
  renameSync,
  rmSync,
  statSync,
  symlinkSync,
  truncateSync,
  unlinkSync,
  utimesSync,
  writeFileSync,
  type BigIntStats,
} from 'node:fs';
import { defineFunction } from '../loader/define.js';
import { ArgumentBindingError, CommandExecutionError, SaltInvocationError } from '../loader/errors.js';
import type { CallContext, SaltModule } from '../loader/types.js';
import { PyFloat, pyFloat } from '../protocol/pytypes.js';
import { PyValueError, pyInt, pyStr } from './_pyconv.js';
import { PyOSError, toPyOSError } from './_oserror.js';
import { pyTypeName } from './_pyrepr.js';
import * as ospath from './_pypath.js';
import { compilePy, pyReEscape, pySubn, reFlags } from './_pyre_sub.js';
import { splitLinesKeepEnds, unifiedDiff } from './_unified_diff.js';
import { findFiles, FindOptionError, pyGlob, pySortKeyCompare } from './_file_find.js';
import { isDir, isFile } from '../fs_checks.js';

/** Hash lengths by type (Salt's `HASHES`). */
const HASHES: Record<string, number> = { sha512: 128, sha384: 96, sha256: 64, sha224: 56, sha1: 40, md5: 32 };
const HASHES_REVMAP: Record<number, string> = Object.fromEntries(Object.entries(HASHES).map(([k, v]) => [v, k]));

/** Python `hashlib` names → Node digest names. */
function nodeHashName(form: string): string | undefined {
  const alias: Record<string, string> = {
    sha3_224: 'sha3-224', sha3_256: 'sha3-256', sha3_384: 'sha3-384', sha3_512: 'sha3-512',
    blake2b: 'blake2b512', blake2s: 'blake2s256',
  };
  const name = alias[form] ?? form;
  return /^[a-z0-9_]+$/.test(form) && getHashes().includes(name) ? name : undefined;
}

/**
 * Salt's `salt.utils.hashutils.get_hash`: the hex digest of a file.
 * @throws Python's ValueError for an unknown type, OSError when the file cannot be read.
 */
export function hashFile(path: string, form: string): string {
  const algo = nodeHashName(form);
  if (!algo) throw new PyValueError(`Invalid hash type: ${form}`);
  let data: Buffer;
  try {
    data = readFileSync(path);
  } catch (err) {
    throw toPyOSError(err, path);
  }
  return createHash(algo).update(data).digest('hex');
}

function isLink(p: string): boolean {
  try {
    return lstatSync(p).isSymbolicLink();
  } catch {
    return false;
  }
}

function exists(p: string): boolean {
  return existsSync(p);
}

/** A path argument as Python would get it (`str()` of what the CLI parsed), `~` expanded. */
function pathArg(v: unknown): string {
  return ospath.expanduser(pyStr(v));
}

/** Python's float time from a bigint stat: `sec + nsec * 1e-9`. */
function pyTime(ns: bigint): number | PyFloat {
  const sec = ns / 1_000_000_000n;
  const nsec = ns % 1_000_000_000n;
  return pyFloat(Number(sec) + Number(nsec) * 1e-9);
}

/** Salt's `normalize_mode`: a string with a leading zero, at least four digits. */
export function normalizeMode(mode: unknown): string | null {
  if (mode === null || mode === undefined) return null;
  const s = pyStr(mode).replace(/0o/g, '0').replace(/^["']+|["']+$/g, '').replace(/^0+/, '');
  return s.padStart(4, '0');
}

function fileType(st: { isDirectory(): boolean; isCharacterDevice(): boolean; isBlockDevice(): boolean; isFile(): boolean; isSymbolicLink(): boolean; isFIFO(): boolean; isSocket(): boolean }): string {
  if (st.isDirectory()) return 'dir';
  if (st.isCharacterDevice()) return 'char';
  if (st.isBlockDevice()) return 'block';
  if (st.isFile()) return 'file';
  if (st.isSymbolicLink()) return 'link';
  if (st.isFIFO()) return 'pipe';
  if (st.isSocket()) return 'socket';
  return 'file';
}

/** `uid_to_user`: the user name, or the uid itself when no user has it. */
function uidToUser(uid: unknown): unknown {
  if (typeof uid !== 'number' || !Number.isInteger(uid)) {
    throw new ArgumentBindingError(`'${pyTypeName(uid)}' object cannot be interpreted as an integer`);
  }
  return ospath.passwdByUid(uid)?.name ?? uid;
}

/** `user_to_uid`: the uid, the int given, or `''` for an unknown user; None means the current user. */
function userToUid(user: unknown): number | '' {
  const name = user === null || user === undefined ? ospath.currentUser() : user;
  if (typeof name === 'number' && Number.isInteger(name)) return name;
  return ospath.passwdByName(pyStr(name))?.uid ?? '';
}

/** `group_to_gid`: the gid, the int given, or `''` for None or an unknown group. */
function groupToGid(group: unknown): number | '' {
  if (group === null || group === undefined) return '';
  if (typeof group === 'number' && Number.isInteger(group)) return group;
  return ospath.groupByName(pyStr(group))?.gid ?? '';
}

/** `gid_to_group`: the group name; a name is first turned into its gid; the gid when unknown. */
function gidToGroup(gid: unknown): unknown {
  let id: unknown = gid;
  if (typeof gid === 'string' && /^\s*[+-]?\d+\s*$/.test(gid)) id = Number(gid.trim());
  else if (typeof gid === 'boolean') id = gid ? 1 : 0;
  else if (typeof gid !== 'number') id = groupToGid(gid);
  if (id === '') return '';
  return ospath.groupByGid(id as number)?.name ?? id;
}

/**
 * Salt's `file.stats`.
 * @throws CommandExecutionError `Path not found: <path>` when nothing is there.
 */
function stats(path: string, hashType: unknown = null, followSymlinks: unknown = true): Record<string, unknown> {
  let st: BigIntStats;
  if (!exists(path)) {
    try {
      st = lstatSync(path, { bigint: true });
    } catch {
      throw new CommandExecutionError(`Path not found: ${path}`);
    }
  } else st = followSymlinks ? statSync(path, { bigint: true }) : lstatSync(path, { bigint: true });
  const ret: Record<string, unknown> = {};
  ret.inode = Number(st.ino);
  ret.uid = Number(st.uid);
  ret.gid = Number(st.gid);
  ret.group = gidToGroup(Number(st.gid));
  ret.user = uidToUser(Number(st.uid));
  ret.atime = pyTime(st.atimeNs);
  ret.mtime = pyTime(st.mtimeNs);
  ret.ctime = pyTime(st.ctimeNs);
  ret.size = Number(st.size);
  ret.mode = normalizeMode('0o' + (Number(st.mode) & 0o7777).toString(8));
  if (hashType) ret.sum = hashFile(path, pyStr(hashType));
  ret.type = fileType(st);
  ret.target = ospath.realpath(path);
  return ret;
}

/** Salt's `files.is_text`: no NUL bytes in the first 512 bytes and valid UTF-8 or mostly text. */
function isText(path: string): boolean {
  let block: Buffer;
  try {
    const fd = openSync(path, 'r');
    try {
      block = Buffer.alloc(512);
      block = block.subarray(0, readSync(fd, block, 0, 512, 0));
    } finally {
      closeSync(fd);
    }
  } catch {
    return false;
  }
  if (block.includes(0)) return false;
  if (!block.length) return true;
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(block);
    return true;
  } catch {
    /* not UTF-8: count non-text bytes */
  }
  const textual = (b: number) => (b >= 32 && b < 127) || [10, 13, 9, 12, 8].includes(b);
  const nontext = [...block].filter((b) => !textual(b)).length;
  return nontext / block.length <= 0.3;
}

/** Reads a file as text; Python's OSError on failure. */
function readText(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    throw toPyOSError(err, path);
  }
}

function writeText(path: string, text: string, flag = 'w'): void {
  try {
    writeFileSync(path, text, { flag });
  } catch (err) {
    throw toPyOSError(err, path);
  }
}

/** A copy of `path` next to it, as Salt's backups are (`<path><suffix>`), keeping mode and times. */
function backupCopy(path: string, backupName: string): void {
  try {
    cpSync(path, backupName, { preserveTimestamps: true, force: true });
    chmodSync(backupName, statSync(path).mode & 0o7777);
  } catch (err) {
    throw new CommandExecutionError(`Unable to move the temp file '${path}' to the backup file '${backupName}'. Exception: ${String(toPyOSError(err))}`);
  }
}

/** The `*args` of write/append/prepend, or the `args` keyword (a list or one value). */
function lineArgs(varargs: unknown[], kwargs: Record<string, unknown>): unknown[] {
  if ('args' in kwargs) return Array.isArray(kwargs.args) ? kwargs.args : [kwargs.args];
  return varargs;
}

// --- file.line -----------------------------------------------------------------------------

function getEol(line: string): string {
  const m = /((?<!\r)\n|\r(?!\n)|\r\n)$/.exec(line);
  return m ? m[1] : '';
}

function setLineIndent(src: string, line: string, indent: unknown): string {
  if (!indent) return line;
  const idt = /^[\t ]*/.exec(src)![0];
  return idt + line.replace(/^\s+/, '');
}

function setLineEol(src: string, line: string): string {
  return line.replace(/\s+$/, '') + (getEol(src) || '\n');
}

/** Salt's `_regex_to_static`: the lines a regex (or plain substring) finds, or null. */
function regexToStatic(src: string[], regex: unknown): string[] | null {
  if (!src.length || regex === null || regex === undefined || regex === '') return null;
  const text = pyStr(regex);
  let re: RegExp;
  try {
    re = compilePy(text, 16);
  } catch (err) {
    throw new CommandExecutionError(`${(err as Error).message}: '${text}'`);
  }
  return src.filter((line) => {
    re.lastIndex = 0;
    return re.test(line) || line.includes(text);
  });
}

function assertOccurrence(probe: string[], target: string): void {
  const occ = probe.length;
  const msg = occ > 1 ? 'more than' : occ < 1 ? 'less than' : null;
  if (msg) throw new CommandExecutionError(`Found ${msg} expected occurrences in "${target}" expression`);
}

const rstripNl = (s: string) => s.replace(/[\r\n]+$/, '');

/** Salt's `_set_line`: applies one `file.line` edit to the lines. */
function setLine(
  lines: string[],
  content: string | null,
  matchArg: unknown,
  mode: string,
  location: unknown,
  beforeArg: unknown,
  afterArg: unknown,
  indent: unknown,
): string[] {
  let matchExpr = matchArg;
  if (!matchExpr && (beforeArg === null || beforeArg === undefined) && (afterArg === null || afterArg === undefined)) matchExpr = content;
  const after = regexToStatic(lines, afterArg);
  const before = regexToStatic(lines, beforeArg);
  const match = regexToStatic(lines, matchExpr);
  const c = content ?? '';
  if (!lines.length && (mode === 'delete' || mode === 'replace')) return [];
  if (mode === 'delete' && match?.length) return lines.filter((l) => l !== match[0]);
  if (mode === 'replace' && match?.length) {
    const idx = lines.indexOf(match[0]);
    lines[idx] = setLineIndent(lines[idx], c, indent);
    return lines;
  }
  if (mode === 'insert') {
    if (before === null && after === null && (location === null || location === undefined)) {
      throw new CommandExecutionError('On insert either "location" or "before/after" conditions are required.');
    }
    if (location) {
      if (location === 'end') {
        if (lines.length) lines.push(setLineIndent(lines[lines.length - 1], c, indent));
        else lines.push(c);
      } else if (location === 'start') {
        if (lines.length) lines.unshift(setLineEol(lines[0], c));
        else lines = [c + '\n'];
      }
    } else if (before?.length && after?.length) {
      assertOccurrence(before, 'before');
      assertOccurrence(after, 'after');
      const last = lines.indexOf(before[0]);
      lines.splice(last, 0, setLineIndent(lines[last], c, indent));
    } else if (after?.length) {
      assertOccurrence(after, 'after');
      const idx = lines.indexOf(after[0]);
      const next = idx + 1 >= lines.length ? null : lines[idx + 1];
      if (next === null || rstripNl(next) !== rstripNl(c)) lines.splice(idx + 1, 0, setLineIndent(lines[idx], c, indent));
    } else if (before?.length) {
      assertOccurrence(before, 'before');
      const idx = lines.indexOf(before[0]);
      const prev = lines[idx - 1] ?? lines[lines.length - 1];
      if (rstripNl(prev) !== rstripNl(c)) lines.splice(idx, 0, setLineIndent(lines[idx], c, indent));
    } else {
      throw new CommandExecutionError('Neither before or after was found in file');
    }
  } else if (mode === 'ensure') {
    if (before?.length && after?.length) {
      assertOccurrence(after, 'after');
      assertOccurrence(before, 'before');
      const afterIndex = lines.indexOf(after[0]);
      const beforeIndex = lines.indexOf(before[0]);
      if (!lines.some((l) => l.replace(/^\s+/, '') === c)) {
        if (afterIndex + 1 === beforeIndex) lines.splice(afterIndex + 1, 0, setLineIndent(lines[afterIndex], c, indent));
        else if (afterIndex + 2 === beforeIndex) lines[afterIndex + 1] = setLineIndent(lines[afterIndex], c, indent);
        else throw new CommandExecutionError('Found more than one line between boundaries "before" and "after".');
      }
    } else if (before?.length) {
      assertOccurrence(before, 'before');
      const bi = lines.indexOf(before[0]);
      if (bi === 0 || rstripNl(lines[bi - 1]) !== rstripNl(c)) {
        lines.splice(bi, 0, setLineIndent(lines[bi - 1] ?? lines[lines.length - 1], c, indent));
      }
    } else if (after?.length) {
      assertOccurrence(after, 'after');
      const ai = lines.indexOf(after[0]);
      if (ai + 1 >= lines.length || rstripNl(lines[ai + 1]) !== rstripNl(c)) lines.splice(ai + 1, 0, setLineIndent(lines[ai], c, indent));
    } else {
      throw new CommandExecutionError('Wrong conditions? Unable to ensure line without knowing where to put it before and/or after.');
    }
  }
  return lines;
}

function timestampSuffix(d = new Date()): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}-${p(d.getHours())}-${p(d.getMinutes())}-${p(d.getSeconds())}`;
}

// --- file.replace --------------------------------------------------------------------------

interface ReplaceOptions {
  path: unknown;
  pattern: unknown;
  repl: unknown;
  count: unknown;
  flags: unknown;
  append_if_not_found: unknown;
  prepend_if_not_found: unknown;
  not_found_content: unknown;
  backup: unknown;
  dry_run: unknown;
  search_only: unknown;
  show_changes: unknown;
  ignore_if_missing: unknown;
  backslash_literal: unknown;
}

/** Salt's `file.replace` (also behind `file.search`). */
function replaceInFile(o: ReplaceOptions): unknown {
  const given = pathArg(o.path);
  const symlink = isLink(given);
  const path = ospath.realpath(given);
  if (!exists(path)) {
    if (o.ignore_if_missing) return false;
    throw new SaltInvocationError(`File not found: ${path}`);
  }
  if (!isText(path)) throw new SaltInvocationError(`Cannot perform string replacements on a binary file: ${path}`);
  if (o.search_only && (o.append_if_not_found || o.prepend_if_not_found)) {
    throw new SaltInvocationError('search_only cannot be used with append/prepend_if_not_found');
  }
  if (o.append_if_not_found && o.prepend_if_not_found) {
    throw new SaltInvocationError('Only one of append and prepend_if_not_found is permitted');
  }
  const flags = reFlags(o.flags);
  const pattern = pyStr(o.pattern);
  const cpattern = compilePy(pattern, flags, true);
  const repl = pyStr(o.repl);
  const notFound = o.not_found_content ? pyStr(o.not_found_content) : null;
  const content = notFound && (o.prepend_if_not_found || o.append_if_not_found) ? notFound : repl;
  const data = readText(path);

  if (o.search_only) return cpattern.test(data);

  const effectiveRepl = o.backslash_literal ? repl.replace(/\\/g, '\\\\') : repl;
  const [result, nrepl] = pySubn(cpattern, effectiveRepl, data, pyInt(o.count));
  let found = false;
  let hasChanges = false;
  if (nrepl > 0) {
    found = true;
    hasChanges = pattern !== repl;
  }
  if (o.prepend_if_not_found || o.append_if_not_found) {
    const probe = compilePy(`^${pyReEscape(content)}($|(?=\r\n))`, flags, true);
    if (probe.test(data)) found = true;
  }
  const origFile = splitLinesKeepEnds(data);
  let newFile = splitLinesKeepEnds(result);
  if (origFile.length === newFile.length && origFile.every((l, i) => l === newFile[i])) hasChanges = false;

  const dryRun = !!o.dry_run;
  const backup = o.backup ? pyStr(o.backup) : '';
  if (hasChanges && !dryRun) {
    if (backup) backupCopy(path, `${path}${backup}`);
    writeText(path, result, 'r+');
    truncateSync(path, Buffer.byteLength(result));
  }
  if (!found && (o.append_if_not_found || o.prepend_if_not_found)) {
    const line = (notFound ?? repl) + '\n';
    newFile = [...newFile];
    if (o.prepend_if_not_found) newFile.unshift(line);
    else {
      if (newFile.length && !newFile[newFile.length - 1].endsWith('\n')) newFile[newFile.length - 1] += '\n';
      newFile.push(line);
    }
    const alreadyBackedUp = hasChanges;
    hasChanges = true;
    if (!dryRun) {
      if (backup && !alreadyBackedUp) backupCopy(path, `${path}${backup}`);
      writeText(path, newFile.join(''));
    }
  }
  if (backup && hasChanges && !dryRun && symlink) {
    const target = readlinkSync(given);
    try {
      symlinkSync(`${target}${backup}`, `${given}${backup}`);
    } catch {
      rmSync(`${given}${backup}`, { force: true });
      symlinkSync(`${target}${backup}`, `${given}${backup}`);
    }
  }
  const differences = unifiedDiff(origFile, newFile);
  if (o.show_changes) return differences;
  return differences ? hasChanges : false;
}

// --- module --------------------------------------------------------------------------------

function doc(text: string, ...examples: string[]): string {
  return `${text}\n\nCLI Example:\n\n.. code-block:: bash\n\n${examples.map((e) => `    salt '*' ${e}`).join('\n')}`;
}

const followDoc = (what: string, fn: string) =>
  doc(
    `${what}\n\npath\n    file or directory of which to get the ${what.split(' ').pop()}\n\nfollow_symlinks\n    indicated if symlinks should be followed`,
    `file.${fn} /etc/passwd`,
  );

const mod: SaltModule = {
  name: 'file',
  virtual: ({ grains }) => (grains.kernel === 'Windows' ? [false, 'The file execution module cannot be loaded: only available on non-Windows systems - use win_file instead.'] : true),
  functions: {
    gid_to_group: defineFunction(
      { args: ['gid'], doc: doc('Convert the group id to the group name on this system\n\ngid\n    gid to convert to a group name', 'file.gid_to_group 0') },
      ({ gid }) => gidToGroup(gid),
    ),
    group_to_gid: defineFunction(
      { args: ['group'], doc: doc('Convert the group to the gid on this system\n\ngroup\n    group to convert to its gid', 'file.group_to_gid root') },
      ({ group }) => groupToGid(group),
    ),
    uid_to_user: defineFunction(
      { args: ['uid'], doc: doc('Convert a uid to a user name\n\nuid\n    uid to convert to a username', 'file.uid_to_user 0') },
      ({ uid }) => uidToUser(uid),
    ),
    user_to_uid: defineFunction(
      { args: ['user'], doc: doc('Convert user name to a uid\n\nuser\n    user name to convert to its uid', 'file.user_to_uid root') },
      ({ user }) => userToUid(user),
    ),
    get_gid: defineFunction(
      { args: ['path', 'follow_symlinks'], defaults: { follow_symlinks: true }, doc: followDoc('Return the id of the group that owns a given file', 'get_gid') },
      ({ path, follow_symlinks }) => stats(pathArg(path), null, follow_symlinks).gid ?? -1,
    ),
    get_group: defineFunction(
      { args: ['path', 'follow_symlinks'], defaults: { follow_symlinks: true }, doc: followDoc('Return the group that owns a given file', 'get_group') },
      ({ path, follow_symlinks }) => stats(pathArg(path), null, follow_symlinks).group ?? false,
    ),
    get_uid: defineFunction(
      { args: ['path', 'follow_symlinks'], defaults: { follow_symlinks: true }, doc: followDoc('Return the id of the user that owns a given file', 'get_uid') },
      ({ path, follow_symlinks }) => stats(pathArg(path), null, follow_symlinks).uid ?? -1,
    ),
    get_user: defineFunction(
      { args: ['path', 'follow_symlinks'], defaults: { follow_symlinks: true }, doc: followDoc('Return the user that owns a given file', 'get_user') },
      ({ path, follow_symlinks }) => stats(pathArg(path), null, follow_symlinks).user ?? false,
    ),
    get_mode: defineFunction(
      { args: ['path', 'follow_symlinks'], defaults: { follow_symlinks: true }, doc: followDoc('Return the mode of a file', 'get_mode') },
      ({ path, follow_symlinks }) => stats(pathArg(path), null, follow_symlinks).mode ?? '',
    ),
    set_mode: defineFunction(
      {
        args: ['path', 'mode'],
        doc: doc('Set the mode of a file\n\npath\n    file or directory of which to set the mode\n\nmode\n    mode to set the path to', 'file.set_mode /etc/passwd 0644'),
      },
      ({ path, mode }) => {
        const p = pathArg(path);
        const m = pyStr(mode).replace(/^[0Oo]+/, '') || '0';
        if (!exists(p)) throw new CommandExecutionError(`${p}: File not found`);
        if (!/^[0-7]+$/.test(m)) return 'Invalid Mode ' + m;
        try {
          chmodSync(p, parseInt(m, 8));
        } catch {
          return 'Invalid Mode ' + m;
        }
        return stats(p).mode;
      },
    ),
    chown: defineFunction(
      {
        args: ['path', 'user', 'group'],
        doc: doc('Chown a file, pass the file the desired user and group\n\npath\n    path to the file or directory\n\nuser\n    user owner\n\ngroup\n    group owner', 'file.chown /etc/passwd root root'),
      },
      ({ path, user, group }) => chown(pathArg(path), user, group),
    ),
    chgrp: defineFunction(
      {
        args: ['path', 'group'],
        doc: doc('Change the group of a file\n\npath\n    path to the file or directory\n\ngroup\n    group owner', 'file.chgrp /etc/passwd root'),
      },
      ({ path, group }) => {
        const p = pathArg(path);
        return chown(p, stats(p).user, group);
      },
    ),
    get_sum: defineFunction(
      {
        args: ['path', 'form'],
        defaults: { form: 'sha256' },
        doc: doc(
          'Return the checksum for the given file. The following checksum algorithms\nare supported:\n\n* md5\n* sha1\n* sha224\n* sha256 **(default)**\n* sha384\n* sha512\n\npath\n    path to the file or directory\n\nform\n    desired sum format',
          'file.get_sum /etc/passwd sha512',
        ),
      },
      ({ path, form }) => {
        const p = pathArg(path);
        if (!isFile(p)) return 'File not found';
        return hashFile(p, pyStr(form));
      },
    ),
    get_hash: defineFunction(
      {
        args: ['path', 'form', 'chunk_size'],
        defaults: { form: 'sha256', chunk_size: 65536 },
        doc: doc(
          'Get the hash sum of a file\n\npath\n    path to the file or directory\n\nform\n    desired sum format\n\nchunk_size\n    amount to sum at once',
          'file.get_hash /etc/shadow',
        ),
      },
      ({ path, form }) => hashFile(pathArg(path), pyStr(form)),
    ),
    check_hash: defineFunction(
      {
        args: ['path', 'file_hash'],
        doc: doc(
          'Check if a file matches the given hash string\n\nReturns ``True`` if the hash matches, otherwise ``False``.\n\npath\n    Path to a file local to the minion.\n\nhash\n    The hash to check against the file specified in the ``path`` argument.',
          'file.check_hash /etc/fstab e138491e9d5b97023cea823fe17bac22',
          'file.check_hash /etc/fstab md5:e138491e9d5b97023cea823fe17bac22',
        ),
      },
      ({ path, file_hash }) => {
        const p = pathArg(path);
        if (typeof file_hash !== 'string') throw new SaltInvocationError('hash must be a string');
        let hashType: string;
        let value: string;
        const sep = [':', '='].find((s) => file_hash.includes(s));
        if (sep) {
          const at = file_hash.indexOf(sep);
          hashType = file_hash.slice(0, at);
          value = file_hash.slice(at + 1);
        } else {
          value = file_hash;
          const len = [...file_hash].length;
          const t = HASHES_REVMAP[len];
          if (!t) {
            const supported = Object.keys(HASHES_REVMAP)
              .map(Number)
              .sort((a, b) => a - b)
              .map((n) => `${HASHES_REVMAP[n]} (${n})`)
              .join(', ');
            throw new SaltInvocationError(
              `Hash ${file_hash} (length: ${len}) could not be matched to a supported hash type. The supported hash types and lengths are: ${supported}`,
            );
          }
          hashType = t;
        }
        return hashFile(p, hashType) === value;
      },
    ),
    find: defineFunction(
      {
        args: ['path'],
        varargs: true,
        kwargs: true,
        doc: doc(
          'Approximate the Unix ``find(1)`` command and return a list of paths that\nmeet the specified criteria.\n\nThe options include match criteria:\n\n.. code-block:: text\n\n    name    = path-glob                 # case sensitive\n    iname   = path-glob                 # case insensitive\n    regex   = path-regex                # case sensitive\n    iregex  = path-regex                # case insensitive\n    type    = file-types                # match any listed type\n    user    = users                     # match any listed user\n    group   = groups                    # match any listed group\n    size    = [+-]number[size-unit]     # default unit = byte\n    mtime   = interval                  # modified since date\n    grep    = regex                     # search file contents\n\nand/or actions:\n\n.. code-block:: text\n\n    delete [= file-types]               # default type = \'f\'\n    exec    = command [arg ...]         # where {} is replaced by pathname\n    print  [= print-opts]\n\nand/or depth criteria:\n\n.. code-block:: text\n\n    maxdepth = maximum depth to transverse in path\n    mindepth = minimum depth to transverse before checking files or directories\n\nThe default action is ``print=path``',
          'file.find / type=f name=\\*.bak size=+10m',
          "file.find /var mtime=+30d size=+10m print=path,size,mtime",
          'file.find /var/log name=\\*.[0-9] mtime=+30d size=+10m delete',
        ),
      },
      ({ path }, _ctx, { varargs, kwargs }) => {
        const options: Record<string, unknown> = { ...kwargs };
        if (varargs.includes('delete')) options.delete = 'f';
        else if (varargs.includes('print')) options.print = 'path';
        let results: unknown[] = [];
        try {
          for (const p of pyGlob(pathArg(path))) results.push(...findFiles(p, options));
        } catch (err) {
          if (err instanceof FindOptionError) return `error: ${err.message}`;
          throw err;
        }
        results = results.sort(pySortKeyCompare);
        return results;
      },
    ),
    line: defineFunction(
      {
        args: ['path', 'content', 'match', 'mode', 'location', 'before', 'after', 'show_changes', 'backup', 'quiet', 'indent'],
        defaults: { content: null, match: null, mode: null, location: null, before: null, after: null, show_changes: true, backup: false, quiet: false, indent: true },
        doc: doc(
          'Line-focused editing of a file.\n\n.. versionadded:: 2015.8.0\n\npath\n    Filesystem path to the file to be edited.\n\ncontent\n    Content of the line.\n\nmatch\n    Match the target line for an action by\n    a fragment of a string or regular expression.\n\nmode\n    Defines how to edit a line. One of the following options is\n    required: ensure, replace, delete, insert\n\nlocation\n    Defines where to place content in the line (start or end).\n\nbefore\n    Regular expression or an exact case-sensitive fragment of the string.\n\nafter\n    Regular expression or an exact case-sensitive fragment of the string.\n\nshow_changes\n    Output a unified diff of the old file and the new file.\n    If ``False`` return a boolean if any changes were made.\n\nbackup\n    Create a backup of the original file with the extension:\n    "Year-Month-Day-Hour-Minutes-Seconds".\n\nquiet\n    Do not raise any exceptions. E.g. ignore the fact that the file that is\n    tried to be edited does not exist and nothing really happened.\n\nindent\n    Keep indentation with the previous line.',
          "file.line /etc/nsswitch.conf \"networks:\\tfiles dns\" after=\"hosts:.*?\" mode='ensure'",
        ),
      },
      (p, ctx) => line(p, ctx),
    ),
    blockreplace: defineFunction(
      {
        args: [
          'path', 'marker_start', 'marker_end', 'content', 'append_if_not_found', 'prepend_if_not_found', 'backup', 'dry_run', 'show_changes',
          'append_newline', 'insert_before_match', 'insert_after_match',
        ],
        defaults: {
          marker_start: '#-- start managed zone --', marker_end: '#-- end managed zone --', content: '', append_if_not_found: false,
          prepend_if_not_found: false, backup: '.bak', dry_run: false, show_changes: true, append_newline: false, insert_before_match: null,
          insert_after_match: null,
        },
        doc: doc(
          'Replace content of a text block in a file, delimited by line markers\n\nA block of content delimited by comments can help you manage several lines\nentries without worrying about old entries removal.\n\npath\n    Filesystem path to the file to be edited\n\nmarker_start\n    The line content identifying a line as the start of the content block.\n\nmarker_end\n    The line content identifying the end of the content block.\n\ncontent\n    The content to be used between the two lines identified by marker_start\n    and marker_stop.\n\nappend_if_not_found : False\n    If markers are not found and set to ``True`` then, the markers and\n    content will be appended to the file.\n\nprepend_if_not_found : False\n    If markers are not found and set to ``True`` then, the markers and\n    content will be prepended to the file.\n\nbackup\n    The file extension to use for a backup of the file if any edit is made.\n    Set to ``False`` to skip making a backup.\n\ndry_run : False\n    If ``True``, do not make any edits to the file and simply return the\n    changes that *would* be made.\n\nshow_changes : True\n    Controls how changes are presented.',
          "file.blockreplace /etc/hosts '#-- start managed zone foobar : DO NOT EDIT --' \\\n'#-- end managed zone foobar --' $'10.0.1.1 foo.foobar\\n10.0.1.2 bar.foobar' True",
        ),
      },
      (p) => blockreplace(p),
    ),
    replace: defineFunction(
      {
        args: ['path', 'pattern', 'repl', 'count', 'flags', 'bufsize', 'append_if_not_found', 'prepend_if_not_found', 'not_found_content', 'backup', 'dry_run', 'search_only', 'show_changes', 'ignore_if_missing', 'preserve_inode', 'backslash_literal'],
        defaults: {
          count: 0, flags: 8, bufsize: 1, append_if_not_found: false, prepend_if_not_found: false, not_found_content: null, backup: '.bak',
          dry_run: false, search_only: false, show_changes: true, ignore_if_missing: false, preserve_inode: true, backslash_literal: false,
        },
        doc: doc(
          'Replace occurrences of a pattern in a file. If ``show_changes`` is\n``True``, then a diff of what changed will be returned, otherwise a\n``True`` will be returned when changes are made, and ``False`` when\nno changes are made.\n\nThis is a pure Python implementation that wraps Python\'s :py:func:`~re.sub`.\n\npath\n    Filesystem path to the file to be edited.\n\npattern\n    A regular expression, to be matched using Python\'s\n    :py:func:`~re.search`.\n\nrepl\n    The replacement text\n\ncount: 0\n    Maximum number of pattern occurrences to be replaced. If count is a\n    positive integer ``n``, only ``n`` occurrences will be replaced,\n    otherwise all occurrences will be replaced.\n\nflags (list or int)\n    A list of flags defined in the ``re`` module documentation from the\n    Python standard library.\n\nbackup: .bak\n    The file extension to use for a backup of the file before editing. Set\n    to ``False`` to skip making a backup.\n\nshow_changes: True\n    Output a unified diff of the old file and the new file. If ``False``,\n    return a boolean if any changes were made.',
          "file.replace /etc/httpd/httpd.conf pattern='LogLevel warn' repl='LogLevel info'",
        ),
      },
      (p) => replaceInFile(p),
    ),
    search: defineFunction(
      {
        args: ['path', 'pattern', 'flags', 'bufsize', 'ignore_if_missing', 'multiline'],
        defaults: { flags: 8, bufsize: 1, ignore_if_missing: false, multiline: false },
        doc: doc(
          'Search for occurrences of a pattern in a file\n\nExcept for multiline, params are identical to\n:py:func:`~salt.modules.file.replace`.\n\nmultiline\n    If true, inserts \'MULTILINE\' into ``flags`` and sets ``bufsize`` to\n    \'file\'.',
          "file.search /etc/crontab 'mymaintenance.sh'",
        ),
      },
      ({ path, pattern, flags, ignore_if_missing, multiline }) => {
        const f = multiline ? reFlags(flags) | 8 : reFlags(flags);
        return replaceInFile({
          path, pattern, repl: '', count: 0, flags: f, append_if_not_found: false, prepend_if_not_found: false, not_found_content: null,
          backup: '.bak', dry_run: true, search_only: true, show_changes: false, ignore_if_missing, backslash_literal: false,
        });
      },
    ),
    contains: defineFunction(
      {
        args: ['path', 'text'],
        doc: doc('Return ``True`` if the file at ``path`` contains ``text``', "file.contains /etc/crontab 'mymaintenance.sh'"),
      },
      ({ path, text }) => {
        const p = pathArg(path);
        if (!exists(p)) return false;
        const needle = pyStr(text).trim();
        try {
          return readFileSync(p, 'utf8').includes(needle);
        } catch {
          return false;
        }
      },
    ),
    contains_regex: defineFunction(
      {
        args: ['path', 'regex', 'lchar'],
        defaults: { lchar: '' },
        doc: doc(
          'Return True if the given regular expression matches on any line in the text\nof a given file.\n\nIf the lchar argument (leading char) is specified, it\nwill strip `lchar` from the left side of each line before trying to match',
          "file.contains_regex /etc/crontab",
        ),
      },
      ({ path, regex, lchar }) => {
        const p = pathArg(path);
        if (!exists(p)) return false;
        let text: string;
        try {
          text = readFileSync(p, 'utf8');
        } catch {
          return false;
        }
        const re = compilePy(pyStr(regex), 0);
        const strip = lchar ? pyStr(lchar) : '';
        for (let l of splitLinesKeepEnds(text)) {
          if (strip) while (l && strip.includes(l[0])) l = l.slice(1);
          re.lastIndex = 0;
          if (re.test(l)) return true;
        }
        return false;
      },
    ),
    append: defineFunction(
      {
        args: ['path'],
        varargs: true,
        kwargs: true,
        doc: doc(
          'Append text to the end of a file\n\npath\n    path to file\n\n`*args`\n    strings to append to file',
          'file.append /etc/motd \\\n        "With all thine offerings thou shalt offer salt." \\\n        "Salt is what makes things taste bad when it isn\'t in them."',
        ),
      },
      ({ path }, _ctx, { varargs, kwargs }) => {
        const p = pathArg(path);
        const args = lineArgs(varargs, kwargs);
        let current: Buffer;
        try {
          current = readFileSync(p);
        } catch (err) {
          throw toPyOSError(err, p);
        }
        let text = current.length && current[current.length - 1] !== 0x0a ? '\n' : '';
        for (const l of args) text += `${pyStr(l)}\n`;
        writeText(p, text, 'a');
        return `Wrote ${args.length} lines to "${p}"`;
      },
    ),
    prepend: defineFunction(
      {
        args: ['path'],
        varargs: true,
        kwargs: true,
        doc: doc(
          'Prepend text to the beginning of a file\n\npath\n    path to file\n\n`*args`\n    strings to prepend to the file',
          'file.prepend /etc/motd \\\n        "With all thine offerings thou shalt offer salt." \\\n        "Salt is what makes things taste bad when it isn\'t in them."',
        ),
      },
      ({ path }, _ctx, { varargs, kwargs }) => {
        const p = pathArg(path);
        const args = lineArgs(varargs, kwargs);
        let contents = '';
        try {
          contents = readFileSync(p, 'utf8');
        } catch {
          contents = '';
        }
        writeText(p, args.map((l) => `${pyStr(l)}\n`).join('') + contents);
        return `Prepended ${args.length} lines to "${p}"`;
      },
    ),
    write: defineFunction(
      {
        args: ['path'],
        varargs: true,
        kwargs: true,
        doc: doc(
          'Write text to a file, overwriting any existing contents.\n\npath\n    path to file\n\n`*args`\n    strings to write to the file',
          'file.write /etc/motd \\\n        "With all thine offerings thou shalt offer salt."',
        ),
      },
      ({ path }, _ctx, { varargs, kwargs }) => {
        const p = pathArg(path);
        const args = lineArgs(varargs, kwargs);
        writeText(p, args.map((l) => `${pyStr(l)}\n`).join(''));
        return `Wrote ${args.length} lines to "${p}"`;
      },
    ),
    touch: defineFunction(
      {
        args: ['name', 'atime', 'mtime'],
        defaults: { atime: null, mtime: null },
        doc: doc(
          '.. versionadded:: 0.9.5\n\nJust like the ``touch`` command, create a file if it doesn\'t exist or\nsimply update the atime and mtime if it already does.\n\natime:\n    Access time in Unix epoch time. Set it to 0 to set atime of the\n    file with Unix date of birth. If this parameter isn\'t set, atime\n    will be set with current time.\nmtime:\n    Last modification in Unix epoch time. Set it to 0 to set mtime of\n    the file with Unix date of birth. If this parameter isn\'t set,\n    mtime will be set with current time.',
          'file.touch /var/log/emptyfile',
        ),
      },
      ({ name, atime, mtime }) => {
        const p = pathArg(name);
        const toTime = (v: unknown): number | undefined => {
          if (v === null || v === undefined) return undefined;
          if (v instanceof PyFloat) return v.value;
          if (typeof v === 'number') return v;
          if (typeof v === 'string' && /^\d+$/.test(v)) return Number(v);
          if (v === false || v === '' || v === 0) return undefined;
          throw new SaltInvocationError('atime and mtime must be integers');
        };
        const a = toTime(atime);
        const m = toTime(mtime);
        try {
          if (!exists(p)) writeFileSync(p, '', { flag: 'a' });
          const now = Date.now() / 1000;
          utimesSync(p, a ?? now, m ?? now);
        } catch (err) {
          const e = toPyOSError(err);
          throw new CommandExecutionError(e instanceof PyOSError ? e.strerror : String((err as Error).message));
        }
        return exists(p);
      },
    ),
    seek_read: defineFunction(
      {
        args: ['path', 'size', 'offset'],
        doc: doc(
          '.. versionadded:: 2014.1.0\n\nSeek to a position on a file and read it\n\npath\n    path to file\n\nseek\n    amount to read at once\n\noffset\n    offset to start into the file',
          'file.seek_read /path/to/file 4096 0',
        ),
      },
      ({ path, size, offset }) => {
        const p = pathArg(path);
        let fd: number;
        try {
          fd = openSync(p, 'r');
        } catch (err) {
          throw toPyOSError(err, p);
        }
        try {
          const buf = Buffer.alloc(Math.max(0, pyInt(size)));
          const n = readSync(fd, buf, 0, buf.length, pyInt(offset));
          return buf.subarray(0, n);
        } finally {
          closeSync(fd);
        }
      },
    ),
    truncate: defineFunction(
      {
        args: ['path', 'length'],
        doc: doc(
          '.. versionadded:: 2014.1.0\n\nSeek to a position on a file and delete everything after that point\n\npath\n    path to file\n\nlength\n    offset into file to truncate',
          'file.truncate /path/to/file 512',
        ),
      },
      ({ path, length }) => {
        const p = pathArg(path);
        const n = pyInt(length);
        try {
          closeSync(openSync(p, 'r+'));
          truncateSync(p, n);
        } catch (err) {
          throw toPyOSError(err, p);
        }
        return null;
      },
    ),
    is_link: defineFunction(
      { args: ['path'], doc: doc('Check if the path is a symbolic link', 'file.is_link /path/to/link') },
      ({ path }) => isLink(pathArg(path)),
    ),
    symlink: defineFunction(
      {
        args: ['src', 'path', 'force', 'atomic'],
        defaults: { force: false, atomic: false },
        doc: doc(
          'Create a symbolic link (symlink, soft link) to a file\n\nArgs:\n\n    src (str): The path to a file or directory\n\n    path (str): The path to the link. Must be an absolute path\n\n    force (bool):\n        Overwrite an existing symlink with the same name\n        .. versionadded:: 3005\n\n    atomic (bool):\n        Use atomic file operations to create the symlink\n        .. versionadded:: 3006.0\n\nReturns:\n    bool: ``True`` if successful, otherwise raises ``CommandExecutionError``',
          'file.symlink /path/to/file /path/to/link',
        ),
      },
      ({ src, path, force, atomic }, ctx) => {
        const p = pathArg(path);
        const s = pyStr(src);
        if (!ospath.isAbs(p)) throw new SaltInvocationError(`Link path must be absolute: ${p}`);
        if (isLink(p)) {
          try {
            if (ospath.normpath(readlinkSync(p)) === ospath.normpath(s)) {
              ctx.log.debug(`link already in correct state: ${p} -> ${s}`);
              return true;
            }
          } catch {
            /* unreadable link: treat as a different one */
          }
          if (!force && !atomic) throw new CommandExecutionError(`Found existing symlink: ${p}`);
        }
        if (exists(p) && !force && !atomic) throw new CommandExecutionError(`Existing path is not a symlink: ${p}`);
        if ((isLink(p) || exists(p)) && force && !atomic) unlinkSync(p);
        else if (atomic) {
          const temp = ospath.join(ospath.dirname(p), `tmp${randomBytes(4).toString('hex')}`);
          try {
            symlinkSync(s, temp);
            renameSync(temp, p);
            return true;
          } catch {
            rmSync(temp, { force: true });
            throw new CommandExecutionError(`Could not create '${p}'`);
          }
        }
        try {
          symlinkSync(s, p);
          return true;
        } catch {
          throw new CommandExecutionError(`Could not create '${p}'`);
        }
      },
    ),
    rename: defineFunction(
      {
        args: ['src', 'dst'],
        doc: doc('Rename a file or directory', 'file.rename /path/to/src /path/to/dst'),
      },
      ({ src, dst }) => rename(pathArg(src), pathArg(dst)),
    ),
    copy: defineFunction(
      {
        args: ['src', 'dst', 'recurse', 'remove_existing'],
        defaults: { recurse: false, remove_existing: false },
        doc: doc(
          'Copy a file or directory from source to dst\n\nIn order to copy a directory, the recurse flag is required, and\nwill by default overwrite files in the destination with the same path,\nand retain all other existing files. (similar to cp -r on unix)\n\nremove_existing will remove all files in the target directory,\nand then copy files from the source.\n\n.. note::\n    The copy function accepts paths that are local to the Salt minion.\n    This function does not support salt://, http://, or the other\n    additional file paths that are supported by :mod:`states.file.managed\n    <salt.states.file.managed>` and :mod:`states.file.recurse\n    <salt.states.file.recurse>`.',
          'file.copy /path/to/src /path/to/dst',
          'file.copy /path/to/src_dir /path/to/dst_dir recurse=True',
          'file.copy /path/to/src_dir /path/to/dst_dir recurse=True remove_existing=True',
        ),
      },
      ({ src, dst, recurse, remove_existing }) => {
        const s = pathArg(src);
        const d = pathArg(dst);
        if (!ospath.isAbs(s)) throw new SaltInvocationError('File path must be absolute.');
        if (!exists(s)) throw new CommandExecutionError(`No such file or directory '${s}'`);
        const pre = stats(s);
        try {
          if ((exists(d) && isDir(d)) || isDir(s)) {
            if (!recurse) throw new SaltInvocationError('Cannot copy overwriting a directory without recurse flag set to true!');
            if (remove_existing && exists(d)) rmSync(d, { recursive: true, force: true });
            cpSync(s, d, { recursive: true, force: true, preserveTimestamps: true });
          } else {
            copyFileSync(s, d);
          }
        } catch (err) {
          if (err instanceof SaltInvocationError) throw err;
          throw new CommandExecutionError(`Could not copy '${s}' to '${d}'`);
        }
        applyPerms(d, pre.user, pre.group, normalizeMode(pre.mode));
        return true;
      },
    ),
    move: defineFunction(
      {
        args: ['src', 'dst', 'disallow_copy_and_unlink'],
        defaults: { disallow_copy_and_unlink: false },
        doc: doc(
          'Move a file or directory\n\nsrc\n    The source file or directory\n\ndst\n    The destination file or directory\n\ndisallow_copy_and_unlink\n    If ``True``, the operation is offloaded to the ``file.rename`` execution\n    module function. This will use ``os.rename`` underneath, which will fail\n    in the event that ``src`` and ``dst`` are on different filesystems. If\n    ``False`` (the default), ``shutil.move`` will be used in order to fall\n    back on a "copy then unlink" approach, which is required for moving\n    across filesystems.\n\n    .. versionadded:: 3006.0',
          'file.move /path/to/src /path/to/dst',
        ),
      },
      ({ src, dst, disallow_copy_and_unlink }) => {
        if (disallow_copy_and_unlink) return rename(pathArg(src), pathArg(dst));
        const s = pathArg(src);
        const d = pathArg(dst);
        if (!ospath.isAbs(s)) throw new SaltInvocationError('Source path must be absolute.');
        if (!ospath.isAbs(d)) throw new SaltInvocationError('Destination path must be absolute.');
        try {
          shutilMove(s, d);
        } catch (err) {
          throw new CommandExecutionError(`Unable to move '${s}' to '${d}': ${(toPyOSError(err) as Error).message}`);
        }
        return { result: true, comment: `'${s}' moved to '${d}'` };
      },
    ),
    lstat: defineFunction(
      {
        args: ['path'],
        doc: doc(
          '.. versionadded:: 2014.1.0\n\nReturns the lstat attributes for the given file or dir. Does not support\nsymbolic links.',
          'file.lstat /path/to/file',
        ),
      },
      ({ path }) => {
        const p = pathArg(path);
        if (!ospath.isAbs(p)) throw new SaltInvocationError('Path to file must be absolute.');
        try {
          const st = lstatSync(p, { bigint: true });
          return {
            st_atime: pyTime(st.atimeNs),
            st_ctime: pyTime(st.ctimeNs),
            st_gid: Number(st.gid),
            st_mode: Number(st.mode),
            st_mtime: pyTime(st.mtimeNs),
            st_nlink: Number(st.nlink),
            st_size: Number(st.size),
            st_uid: Number(st.uid),
          };
        } catch {
          return {};
        }
      },
    ),
    access: defineFunction(
      {
        args: ['path', 'mode'],
        doc: doc(
          '.. versionadded:: 2014.1.0\n\nTest whether the Salt process has the specified access to the file. One of\nthe following modes must be specified:\n\n.. code-block:: text\n\n    f: Test the existence of the path\n    r: Test the readability of the path\n    w: Test the writability of the path\n    x: Test whether the path can be executed',
          'file.access /path/to/file f',
          'file.access /path/to/file x',
        ),
      },
      ({ path, mode }) => {
        const p = pathArg(path);
        if (!ospath.isAbs(p)) throw new SaltInvocationError('Path to link must be absolute.');
        const modes: Record<string, number> = { f: fsConstants.F_OK, r: fsConstants.R_OK, w: fsConstants.W_OK, x: fsConstants.X_OK };
        let m: number;
        if (typeof mode === 'string' && mode in modes) m = modes[mode];
        else if (typeof mode === 'number' && Object.values(modes).includes(mode)) m = mode;
        else throw new SaltInvocationError('Invalid mode specified.');
        try {
          accessSync(p, m);
          return true;
        } catch {
          return false;
        }
      },
    ),
    read: defineFunction(
      {
        args: ['path', 'binary'],
        defaults: { binary: false },
        doc: doc(
          '.. versionadded:: 2017.7.0\n\nReturn the content of the file.\n\n:param bool binary:\n    Whether to read and return binary data',
          'file.read /path/to/file',
        ),
      },
      ({ path, binary }) => {
        const p = pyStr(path);
        try {
          return binary === true ? readFileSync(p) : readFileSync(p, 'utf8');
        } catch (err) {
          throw toPyOSError(err, p);
        }
      },
    ),
    readlink: defineFunction(
      {
        args: ['path', 'canonicalize'],
        defaults: { canonicalize: false },
        doc: doc(
          '.. versionadded:: 2014.1.0\n\nReturn the path that a symlink points to\n\nArgs:\n\n    path (str):\n        The path to the symlink\n\n    canonicalize (bool):\n        Get the canonical path eliminating any symbolic links encountered in\n        the path\n\nReturns:\n\n    str: The path that the symlink points to',
          'file.readlink /path/to/link',
        ),
      },
      ({ path, canonicalize }) => {
        const p = expandvars(pathArg(path));
        if (!ospath.isAbs(p)) throw new SaltInvocationError(`Path to link must be absolute: ${p}`);
        if (!isLink(p)) throw new SaltInvocationError(`A valid link was not specified: ${p}`);
        if (canonicalize) return ospath.realpath(p);
        try {
          return readlinkSync(p);
        } catch (err) {
          throw new CommandExecutionError(String((toPyOSError(err, p) as Error).message));
        }
      },
    ),
    readdir: defineFunction(
      {
        args: ['path'],
        doc: doc(
          '.. versionadded:: 2014.1.0\n\nReturn a list containing the contents of a directory\n\npath\n    The path to the directory',
          'file.readdir /path/to/dir/',
        ),
      },
      ({ path }) => {
        const p = pathArg(path);
        if (!ospath.isAbs(p)) throw new SaltInvocationError('Dir path must be absolute.');
        if (!isDir(p)) throw new SaltInvocationError('A valid directory was not specified.');
        return ['.', '..', ...listdir(p)];
      },
    ),
    stats: defineFunction(
      {
        args: ['path', 'hash_type', 'follow_symlinks'],
        defaults: { hash_type: null, follow_symlinks: true },
        doc: doc('Return a dict containing the stats for a given file', 'file.stats /etc/passwd'),
      },
      ({ path, hash_type, follow_symlinks }) => stats(pathArg(path), hash_type, follow_symlinks),
    ),
    remove: defineFunction(
      {
        args: ['path'],
        kwargs: true,
        doc: doc(
          'Remove the named file. If a directory is supplied, it will be recursively\ndeleted.',
          'file.remove /tmp/foo',
        ),
      },
      ({ path }) => {
        const p = pathArg(path);
        if (!ospath.isAbs(p)) throw new SaltInvocationError(`File path must be absolute: ${p}`);
        try {
          if (isLink(p) || (exists(p) && !isDir(p))) {
            unlinkSync(p);
            return true;
          }
          if (isDir(p)) {
            rmSync(p, { recursive: true });
            return true;
          }
        } catch (err) {
          throw new CommandExecutionError(`Could not remove '${p}': ${(toPyOSError(err) as Error).message}`);
        }
        return false;
      },
    ),
    directory_exists: defineFunction(
      { args: ['path'], doc: doc('Tests to see if path is a valid directory.  Returns True/False.', 'file.directory_exists /etc') },
      ({ path }) => isDir(pathArg(path)),
    ),
    file_exists: defineFunction(
      { args: ['path'], doc: doc('Tests to see if path is a valid file.  Returns True/False.', 'file.file_exists /etc/passwd') },
      ({ path }) => isFile(pathArg(path)),
    ),
    mkdir: defineFunction(
      {
        args: ['dir_path', 'user', 'group', 'mode'],
        defaults: { user: null, group: null, mode: null },
        doc: doc(
          'Ensure that a directory is available.\n\ndir_path\n    The path to the directory\n\nuser\n    The user to own the directory\n\ngroup\n    The group to own the directory\n\nmode\n    The permissions to set on the directory',
          'file.mkdir /opt/jetty/context',
        ),
      },
      ({ dir_path, user, group, mode }) => {
        const directory = ospath.normpath(pathArg(dir_path));
        if (!isDir(directory)) makedirsPerms(directory, user, group, mode);
        return true;
      },
    ),
    makedirs: defineFunction(
      {
        args: ['path', 'user', 'group', 'mode'],
        defaults: { user: null, group: null, mode: null },
        pyName: 'makedirs_',
        doc: doc(
          'Ensure that the directory containing this path is available.\n\n.. note::\n\n    The path must end with a trailing slash otherwise the directory/file\n    will be created up to the parent directory. For example if path is\n    ``/opt/code``, then it would be treated as ``/opt/`` but if the path\n    ends with a trailing slash like ``/opt/code/``, then it would be\n    treated as ``/opt/code/``.',
          'file.makedirs /opt/code/',
        ),
      },
      ({ path, user, group, mode }, ctx) => {
        const p = pathArg(path);
        const m = mode ? normalizeMode(mode) : null;
        let dir = ospath.normpath(ospath.dirname(p));
        if (isDir(dir)) {
          const msg = `Directory '${dir}' already exists`;
          ctx.log.debug(msg);
          return msg;
        }
        if (exists(dir)) {
          const msg = `The path '${dir}' already exists and is not a directory`;
          ctx.log.debug(msg);
          return msg;
        }
        const toCreate: string[] = [];
        while (!isDir(dir)) {
          toCreate.push(dir);
          const current = dir;
          dir = ospath.dirname(dir);
          if (current === dir) {
            throw new SaltInvocationError(`Recursive creation for path '${dir}' would result in an infinite loop. Please use an absolute path.`);
          }
        }
        for (const d of toCreate.reverse()) {
          ctx.log.debug(`Creating directory: ${d}`);
          if (!isDir(d)) makedirsPerms(d, user, group, m);
        }
        return null;
      },
    ),
    list_backups: defineFunction(
      {
        args: ['path', 'limit'],
        defaults: { limit: null },
        doc: doc(
          '.. versionadded:: 0.17.0\n\nLists the previous versions of a file backed up using Salt\'s :ref:`file\nstate backup <file-state-backups>` system.\n\npath\n    The path on the minion to check for backups\nlimit\n    Limit the number of results to the most recent N backups',
          'file.list_backups /foo/bar/baz.txt',
        ),
      },
      ({ path, limit }, ctx) => listBackups(pathArg(path), limit, ctx),
    ),
    basename: defineFunction(
      { args: ['path'], doc: doc('Returns the final component of a pathname\n\n.. versionadded:: 2015.5.0\n\nThis can be useful at the CLI but is frequently useful when scripting.', 'file.basename \'test/test.config\'') },
      ({ path }) => ospath.basename(strPath(path, 'basename')),
    ),
    dirname: defineFunction(
      { args: ['path'], doc: doc('Returns the directory component of a pathname\n\n.. versionadded:: 2015.5.0\n\nThis can be useful at the CLI but is frequently useful when scripting.', 'file.dirname \'test/path/filename.config\'') },
      ({ path }) => ospath.dirname(strPath(path, 'dirname')),
    ),
    join: defineFunction(
      {
        varargs: true,
        doc: doc('Return a normalized file system path for the underlying OS\n\n.. versionadded:: 2014.7.0\n\nThis can be useful at the CLI but is frequently useful when scripting\ncombining path variables.', "file.join '/' 'usr' 'local' 'bin'"),
      },
      (_p, _ctx, { varargs }) => {
        if (!varargs.length) throw new ArgumentBindingError("join() missing 1 required positional argument: 'a'");
        const parts = varargs.map((a) => strPath(a, 'join'));
        return ospath.join(parts[0], ...parts.slice(1));
      },
    ),
  },
};

/** Python's TypeError text for a non-path argument to an `os.path` function. */
function strPath(v: unknown, fn: string): string {
  if (typeof v === 'string') return v;
  throw new ArgumentBindingError(`${fn}() argument must be str, bytes, or os.PathLike object, not '${pyTypeName(v)}'`);
}

/** `os.path.expandvars`: `$NAME` and `${NAME}` of set variables. */
function expandvars(p: string): string {
  return p.replace(/\$(\w+|\{[^}]*\})/g, (all, name: string) => {
    const key = name.startsWith('{') ? name.slice(1, -1) : name;
    return process.env[key] ?? all;
  });
}

/** `os.listdir` in directory order (not sorted), without `.` and `..`. */
function listdir(p: string): string[] {
  const dir = opendirSync(p);
  const out: string[] = [];
  try {
    for (let ent = dir.readSync(); ent; ent = dir.readSync()) out.push(ent.name);
  } finally {
    dir.closeSync();
  }
  return out;
}

function rename(src: string, dst: string): boolean {
  if (!ospath.isAbs(src)) throw new SaltInvocationError('File path must be absolute.');
  try {
    renameSync(src, dst);
    return true;
  } catch {
    throw new CommandExecutionError(`Could not rename '${src}' to '${dst}'`);
  }
}

/** `shutil.move`: into a directory destination, rename, or copy then delete across devices. */
function shutilMove(src: string, dst: string): void {
  let real = dst;
  if (isDir(dst)) {
    real = ospath.join(dst, ospath.basename(src.replace(/\/+$/, '')));
    if (exists(real)) {
      const err = new Error(`Destination path '${real}' already exists`);
      Object.defineProperty(err, 'name', { value: 'shutil.Error' });
      throw err;
    }
  }
  try {
    renameSync(src, real);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EXDEV') throw toPyOSError(err, src, real);
    cpSync(src, real, { recursive: true, preserveTimestamps: true, verbatimSymlinks: true });
    rmSync(src, { recursive: true, force: true });
  }
}

/** The chown part of Salt's `file.chown`: an error text, or null (Python's None) when done. */
function chown(path: string, user: unknown, group: unknown): unknown {
  let uid = userToUid(user);
  let gid = groupToGid(group);
  let err = '';
  if (uid === '') {
    if (user) err += 'User does not exist\n';
    else uid = -1;
  }
  if (gid === '') {
    if (group) err += 'Group does not exist\n';
    else gid = -1;
  }
  if (!exists(path)) {
    try {
      if (err === '') {
        lchownSync(path, uid as number, gid as number);
        return null;
      }
    } catch {
      /* no broken link there either */
    }
    err += 'File not found';
  }
  if (err) return err;
  try {
    chownSync(path, uid as number, gid as number);
  } catch (e) {
    throw toPyOSError(e, path);
  }
  return null;
}

/** Sets owner, group and mode (octal digits) where given, like Salt's `check_perms`. */
function applyPerms(path: string, user: unknown, group: unknown, mode: string | null): void {
  const uid = user === null || user === undefined ? -1 : userToUid(user);
  const gid = group === null || group === undefined ? -1 : groupToGid(group);
  if (uid === '') throw new CommandExecutionError(`User ${pyStr(user)} is not available`);
  if (gid === '') throw new CommandExecutionError(`Group ${pyStr(group)} is not available`);
  try {
    if (uid !== -1 || gid !== -1) lchownSync(path, uid, gid);
    if (mode !== null && /^[0-7]+$/.test(mode) && !isLink(path)) chmodSync(path, parseInt(mode, 8));
  } catch (err) {
    throw toPyOSError(err, path);
  }
}

/** Salt's `makedirs_perms`: creates the directory and missing parents, then sets perms. */
function makedirsPerms(name: string, user: unknown, group: unknown, mode: unknown): void {
  let [head, tail] = ospath.split(name);
  if (!tail) [head, tail] = ospath.split(head);
  if (head && tail && !exists(head)) {
    makedirsPerms(head, user, group, mode);
    if (tail === '.') return;
  }
  try {
    mkdirSync(name);
  } catch (err) {
    throw toPyOSError(err, name);
  }
  applyPerms(name, user, group, mode === null || mode === undefined || mode === '' ? null : normalizeMode(mode));
}

/** Salt's `file.line`. */
function line(p: Record<string, unknown>, ctx: CallContext): unknown {
  const path = ospath.realpath(pathArg(p.path));
  if (!isFile(path)) {
    if (!p.quiet) throw new CommandExecutionError(`File "${path}" does not exists or is not a file.`);
    return false;
  }
  const mode = typeof p.mode === 'string' && p.mode ? p.mode.toLowerCase() : p.mode;
  if (!['insert', 'ensure', 'delete', 'replace'].includes(mode as string)) {
    if (mode === null || mode === undefined) throw new CommandExecutionError('Mode was not defined. How to process the file?');
    throw new CommandExecutionError(`Unknown mode: "${pyStr(mode)}"`);
  }
  if (mode !== 'delete' && (p.content === null || p.content === undefined)) {
    throw new CommandExecutionError('Content can only be empty if mode is "delete"');
  }
  const content = p.content === null || p.content === undefined ? null : pyStr(p.content);
  const original = readText(path);
  let body = splitLinesKeepEnds(original);
  if (body.length && getEol(body[body.length - 1])) body.push('');
  if (original.length === 0 && (mode === 'delete' || mode === 'replace')) {
    ctx.log.warn(`Cannot find text to ${mode}. File '${path}' is empty.`);
    body = [];
  }
  body = setLine(body, content, p.match, mode as string, p.location, p.before, p.after, p.indent);
  if (body.length) {
    body.forEach((l, idx) => {
      if (!getEol(l) && idx + 1 < body.length) {
        const prev = idx ? idx - 1 : 1;
        body[idx] = setLineEol(body[prev], l);
      }
    });
    if (body[body.length - 1] === '') body.pop();
  }
  const updated = body.join('');
  const changed = updated !== original;
  const testMode = ctx.opts.test === true;
  if (p.backup && changed && !testMode) backupCopy(path, `${path}.${timestampSuffix()}`);
  let diff: string | null = null;
  if (changed) {
    if (p.show_changes) diff = unifiedDiff(splitLinesKeepEnds(original), body);
    if (!testMode) writeText(path, updated);
  }
  return p.show_changes && diff ? diff : changed;
}

/** Salt's `file.blockreplace`: replaces (or adds) the text between two marker lines. */
function blockreplace(p: Record<string, unknown>): unknown {
  const exclusive = [p.append_if_not_found, p.prepend_if_not_found, p.insert_before_match, p.insert_after_match].filter((x) => !!x).length;
  if (exclusive > 1) {
    throw new SaltInvocationError('Only one of append_if_not_found, prepend_if_not_found, insert_before_match, and insert_after_match is permitted');
  }
  const path = ospath.expanduser(pathArg(p.path));
  if (!exists(path)) throw new SaltInvocationError(`File not found: ${path}`);
  if (!isText(path)) throw new SaltInvocationError(`Cannot perform string replacements on a binary file: ${path}`);
  for (const key of ['insert_before_match', 'insert_after_match'] as const) {
    if (p[key] && typeof p[key] !== 'string') throw new CommandExecutionError(`RegEx expected in ${key} parameter.`);
  }
  const markerStart = pyStr(p.marker_start);
  const markerEnd = pyStr(p.marker_end);
  const content = pyStr(p.content ?? '');
  let appendNewline = p.append_newline;
  if ((appendNewline === null || appendNewline === undefined) && !content.endsWith('\n')) appendNewline = true;
  const split = content.split('\r\n').flatMap((l) => l.split('\n'));
  // The block as lines: the start marker (optional), the content, the end line.
  const block = (eol: string, withStart: boolean, endLine = markerEnd): string[] => {
    const out = withStart ? [markerStart + eol] : [];
    const end = endLine.replace(/[\r\n]+$/, '') + eol;
    split.forEach((l, i) => {
      if (i + 1 < split.length) out.push(l + eol);
      else if (appendNewline) out.push(l + eol, end);
      else out.push(l + end);
    });
    return out;
  };
  const orig = splitLinesKeepEnds(readText(path));
  let eol: string | null = null;
  const next: string[] = [];
  let inBlock = false;
  let found = false;
  for (const l of orig) {
    if (eol === null) eol = l.endsWith('\r\n') ? '\r\n' : '\n';
    let keep = true;
    if (l.includes(markerStart)) inBlock = true;
    else if (inBlock) {
      keep = false;
      const at = l.indexOf(markerEnd);
      if (at !== -1) {
        inBlock = false;
        found = true;
        next.push(...block(eol, false, l.slice(at)));
      }
    }
    if (keep) next.push(l);
  }
  eol ??= '\n';
  if (inBlock) throw new CommandExecutionError('Unterminated marked block. End of file reached before marker_end.');
  let result = next;
  if (!found) {
    if (p.prepend_if_not_found) {
      result = [...block(eol, true), ...next];
      found = true;
    } else if (p.append_if_not_found) {
      if (next.length && !next[next.length - 1].endsWith(eol)) next[next.length - 1] += eol;
      next.push(...block(eol, true));
      found = true;
    } else if (p.insert_before_match || p.insert_after_match) {
      const re = compilePy(pyStr(p.insert_before_match || p.insert_after_match), 0);
      const idx = orig.findIndex((l) => {
        re.lastIndex = 0;
        return re.test(l);
      });
      if (idx >= 0) {
        next.splice(p.insert_after_match ? idx + 1 : idx, 0, ...block(eol, true));
        found = true;
      }
    }
  }
  if (!found) throw new CommandExecutionError('Cannot edit marked block. Markers were not found in file.');
  const diff = unifiedDiff(orig, result);
  const hasChanges = diff !== '';
  if (hasChanges && !p.dry_run) {
    if (p.backup !== false) backupCopy(path, `${path}${pyStr(p.backup)}`);
    const mode = statSync(path).mode & 0o7777;
    writeText(path, result.join(''));
    chmodSync(path, mode);
  }
  return p.show_changes ? diff : hasChanges;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];

/** Salt's `file.list_backups`: backups under `<cachedir>/file_backup`, newest first, by index. */
function listBackups(path: string, limit: unknown, ctx: CallContext): Record<string, unknown> {
  let max: number | undefined;
  if (limit !== null && limit !== undefined) {
    try {
      max = pyInt(limit);
    } catch {
      ctx.log.error("file.list_backups: 'limit' value must be numeric");
    }
  }
  const bkroot = ospath.join(pyStr(ctx.opts.cachedir ?? '/var/cache/salt/minion'), 'file_backup');
  const [parent, base] = ospath.split(path);
  const bkdir = ospath.join(bkroot, parent.slice(1));
  if (!isDir(bkdir)) return {};
  const esc = base.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const re = new RegExp(`^${esc}_(${DAYS.join('|')})_(${MONTHS.join('|')})_(\\d{2})_(\\d{2}):(\\d{2}):(\\d{2})_(\\d{1,6})_(\\d{4})$`);
  const found: Array<{ key: string; info: Record<string, unknown> }> = [];
  for (const fname of listdir(bkdir)) {
    const location = ospath.join(bkdir, fname);
    if (!isFile(location)) continue;
    const m = re.exec(fname);
    if (!m) continue;
    const micro = m[7].padEnd(6, '0');
    const key = `${m[8]}-${String(MONTHS.indexOf(m[2]) + 1).padStart(2, '0')}-${m[3]} ${m[4]}:${m[5]}:${m[6]}.${micro}`;
    found.push({
      key,
      info: { 'Backup Time': `${m[1]} ${m[2]} ${m[3]} ${m[8]} ${m[4]}:${m[5]}:${m[6]}.${micro}`, Size: statSync(location).size, Location: location },
    });
  }
  found.sort((a, b) => (a.key < b.key ? 1 : a.key > b.key ? -1 : 0));
  const chosen = max === undefined ? found : found.slice(0, max);
  return Object.fromEntries(chosen.map((f, i) => [String(i), f.info]));
}

export default mod;
