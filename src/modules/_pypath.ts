/**
 * Python's `os.path` on POSIX where Node's `path` differs (`normpath` drops a trailing slash,
 * `basename('/a/')` is `''`, `realpath` of a missing path still resolves), `expanduser`, and
 * the passwd/group look-ups by id that `pwd`/`grp` do.
 */
import { execFileSync } from 'node:child_process';
import { lstatSync, readFileSync, readlinkSync } from 'node:fs';
import { homedir, userInfo } from 'node:os';

/** `os.path.isabs`. */
export function isAbs(p: string): boolean {
  return p.startsWith('/');
}

/** `os.path.normpath`: collapses `.`, `..` and repeated slashes; keeps a leading `//`. */
export function normpath(p: string): string {
  if (p === '') return '.';
  const initial = p.startsWith('/') ? (p.startsWith('//') && !p.startsWith('///') ? 2 : 1) : 0;
  const out: string[] = [];
  for (const comp of p.split('/')) {
    if (comp === '' || comp === '.') continue;
    if (comp !== '..' || (!initial && !out.length) || (out.length && out[out.length - 1] === '..')) out.push(comp);
    else if (out.length) out.pop();
  }
  const joined = '/'.repeat(initial) + out.join('/');
  return joined || '.';
}

/** `os.path.basename`: what follows the last slash (`''` for a trailing slash). */
export function basename(p: string): string {
  return p.slice(p.lastIndexOf('/') + 1);
}

/** `os.path.dirname`: what precedes the last slash, trailing slashes removed unless all slashes. */
export function dirname(p: string): string {
  let head = p.slice(0, p.lastIndexOf('/') + 1);
  if (head && !/^\/+$/.test(head)) head = head.replace(/\/+$/, '');
  return head;
}

/** `os.path.split`. */
export function split(p: string): [string, string] {
  return [dirname(p), basename(p)];
}

/** `os.path.join` of strings. */
export function join(first: string, ...rest: string[]): string {
  let path = first;
  for (const b of rest) {
    if (b.startsWith('/')) path = b;
    else if (!path || path.endsWith('/')) path += b;
    else path += '/' + b;
  }
  return path;
}

/** `os.path.expanduser`: `~` and `~user` at the start become home directories. */
export function expanduser(p: string): string {
  if (!p.startsWith('~')) return p;
  const slash = p.indexOf('/', 1);
  const end = slash < 0 ? p.length : slash;
  const name = p.slice(1, end);
  let home: string | undefined;
  if (name === '') home = process.env.HOME || homedir();
  else home = passwdByName(name)?.home;
  if (home === undefined) return p;
  home = home.replace(/\/+$/, '');
  return (home || '/') + p.slice(end);
}

/** `os.path.realpath`: symlinks resolved as far as the path exists, the rest appended normalized. */
export function realpath(p: string): string {
  const parts = (isAbs(p) ? p : join(process.cwd(), p)).split('/').filter(Boolean);
  let resolved = '/';
  let hops = 0;
  while (parts.length) {
    const comp = parts.shift()!;
    if (comp === '.') continue;
    if (comp === '..') {
      resolved = dirname(resolved) || '/';
      continue;
    }
    const next = join(resolved, comp);
    let target: string | undefined;
    try {
      if (lstatSync(next).isSymbolicLink()) target = readlinkSync(next);
    } catch {
      target = undefined;
    }
    if (target === undefined || hops > 40) {
      resolved = next;
      continue;
    }
    hops++;
    if (isAbs(target)) resolved = '/';
    parts.unshift(...target.split('/').filter(Boolean));
  }
  return normpath(resolved);
}

/** A passwd entry. */
export interface PwEntry {
  name: string;
  uid: number;
  gid: number;
  home: string;
}

/** A group entry. */
export interface GrEntry {
  name: string;
  gid: number;
}

function dbLines(file: string, db: string, key: string): string[][] {
  const rows: string[][] = [];
  try {
    for (const line of readFileSync(file, 'utf8').split('\n')) if (line && !line.startsWith('#')) rows.push(line.split(':'));
  } catch {
    /* no local file */
  }
  try {
    const out = execFileSync('getent', [db, key], { encoding: 'utf8', timeout: 5000, stdio: ['ignore', 'pipe', 'ignore'] });
    for (const line of out.split('\n')) if (line) rows.push(line.split(':'));
  } catch {
    /* getent missing or no entry */
  }
  return rows;
}

function findPasswd(pred: (row: string[]) => boolean, key: string): PwEntry | undefined {
  const local = (() => {
    try {
      return readFileSync('/etc/passwd', 'utf8').split('\n').map((l) => l.split(':')).find((r) => r.length >= 7 && pred(r));
    } catch {
      return undefined;
    }
  })();
  const row = local ?? dbLines('/dev/null', 'passwd', key).find((r) => r.length >= 7 && pred(r));
  return row ? { name: row[0], uid: Number(row[2]), gid: Number(row[3]), home: row[5] } : undefined;
}

function findGroup(pred: (row: string[]) => boolean, key: string): GrEntry | undefined {
  const local = (() => {
    try {
      return readFileSync('/etc/group', 'utf8').split('\n').map((l) => l.split(':')).find((r) => r.length >= 3 && pred(r));
    } catch {
      return undefined;
    }
  })();
  const row = local ?? dbLines('/dev/null', 'group', key).find((r) => r.length >= 3 && pred(r));
  return row ? { name: row[0], gid: Number(row[2]) } : undefined;
}

/** `pwd.getpwnam`, or undefined (Python's KeyError). */
export function passwdByName(name: string): PwEntry | undefined {
  return findPasswd((r) => r[0] === name, name);
}

/** `pwd.getpwuid`, or undefined (Python's KeyError). */
export function passwdByUid(uid: number): PwEntry | undefined {
  return findPasswd((r) => r[2] === String(uid), String(uid));
}

/** `grp.getgrnam`, or undefined (Python's KeyError). */
export function groupByName(name: string): GrEntry | undefined {
  return findGroup((r) => r[0] === name, name);
}

/** `grp.getgrgid`, or undefined (Python's KeyError). */
export function groupByGid(gid: number): GrEntry | undefined {
  return findGroup((r) => r[2] === String(gid), String(gid));
}

/** The name of the user running this process (Salt's `salt.utils.user.get_user`). */
export function currentUser(): string {
  try {
    return userInfo().username;
  } catch {
    return passwdByUid(process.getuid?.() ?? 0)?.name ?? String(process.getuid?.() ?? 0);
  }
}
