/**
 * Salt's `user` state module: make sure a local user exists with the given attributes
 * (`present`) or does not (`absent`), through the `user`, `group` and `file` execution
 * modules. Password hashes are read from `/etc/shadow` and set with `usermod -p`.
 */
import { readFileSync } from 'node:fs';
import { CommandExecutionError } from '../loader/errors.js';
import type { SaltModule } from '../loader/types.js';
import { errorWithInfo } from '../modules/_syscmd.js';
import type { StateCallContext } from '../state/runner.js';
import { isDict, pyStr } from '../state/_py.js';
import { defineState, type StateRet } from './_define.js';
import { isDir } from '../fs_checks.js';

const REDACTED = 'XXX-REDACTED-XXX';
const CH_FUNCS = new Set(['uid', 'gid', 'shell', 'fullname', 'roomnumber', 'workphone', 'homephone', 'other']);

type UserInfo = Record<string, any>;

/** The user's password hash from the shadow file, or null when there is no entry. */
function shadowPasswd(name: string, file = '/etc/shadow'): string | null {
  try {
    for (const line of readFileSync(file, 'utf8').split('\n')) {
      const f = line.split(':');
      if (f[0] === name) return f[1] ?? '';
    }
  } catch {
    // no shadow file: passwords are not managed
  }
  return null;
}

async function setPasswd(ctx: StateCallContext, name: string, hash: string): Promise<void> {
  const r = (await ctx.salt('cmd.run_all', [['usermod', '-p', hash, name]], { python_shell: false, output_loglevel: 'quiet' })) as {
    retcode: number;
    stderr: string;
  };
  if (r.retcode !== 0) throw new CommandExecutionError(`Failed to set the password of user ${name}: ${r.stderr}`);
}

function list(v: unknown): string[] | null {
  if (v === null || v === undefined) return null;
  if (Array.isArray(v)) return v.map((x) => pyStr(x));
  return pyStr(v).split(',').filter(Boolean);
}

function sameSet(a: string[], b: string[]): boolean {
  const sa = new Set(a);
  const sb = new Set(b);
  return sa.size === sb.size && [...sa].every((x) => sb.has(x));
}

function optText(v: unknown): string | null {
  return v === null || v === undefined ? null : pyStr(v);
}

/** Salt's `_group_changes`: do the groups need changing (ignoring groups that share a gid)? */
async function groupChanges(ctx: StateCallContext, cur: string[], wanted: string[], remove: boolean): Promise<boolean> {
  const c = new Set(cur);
  const w = new Set(wanted);
  if (sameSet(cur, wanted) || (!remove && [...w].every((g) => c.has(g)))) return false;
  const all: Record<string, UserInfo> = {};
  for (const g of new Set([...c, ...w])) all[g] = (await ctx.salt('group.info', [g])) as UserInfo;
  const diff = remove ? [...new Set([...[...w].filter((g) => !c.has(g)), ...[...c].filter((g) => !w.has(g))])] : [...w].filter((g) => !c.has(g));
  const remain = [...diff];
  for (const d of diff) {
    for (const [g, info] of Object.entries(all)) {
      if (g === d) continue;
      if (all[d]?.gid === info?.gid) {
        const i = remain.indexOf(d);
        if (i >= 0) remain.splice(i, 1);
      }
    }
  }
  return remain.length > 0;
}

interface Wanted {
  uid: unknown;
  gid: unknown;
  groups: string[] | null;
  optionalGroups: string[] | null;
  removeGroups: boolean;
  home: string | null;
  createhome: boolean;
  password: string | null;
  enforcePassword: boolean;
  emptyPassword: boolean;
  shell: string | null;
  gecos: Record<string, string | null>;
  allowUidChange: boolean;
  allowGidChange: boolean;
}

/** Salt's `_changes`: what differs from the wanted attributes, or false when the user is missing. */
async function userChanges(ctx: StateCallContext, name: string, w: Wanted): Promise<Record<string, unknown> | false> {
  const lusr = (await ctx.salt('user.info', [name])) as UserInfo;
  if (!lusr || !Object.keys(lusr).length) return false;
  const change: Record<string, unknown> = {};
  let wantedGroups = [...new Set([...(w.groups ?? []), ...(w.optionalGroups ?? [])])].sort();
  const curGroups: string[] = [...lusr.groups];
  if (!w.removeGroups || (w.groups === null && !(w.optionalGroups && w.optionalGroups.length))) {
    wantedGroups = [...new Set([...wantedGroups, ...curGroups])].sort();
  }
  if (w.uid !== null && w.uid !== undefined && w.uid !== '' && w.uid !== 0 && lusr.uid !== Number(w.uid)) change.uid = w.uid;
  if (w.gid !== null && w.gid !== undefined) {
    const gidNum = await ctx.salt('file.group_to_gid', [w.gid]);
    if (lusr.gid !== w.gid && lusr.gid !== Number(w.gid) && lusr.gid !== gidNum) change.gid = w.gid;
  }
  const defaultGrp = pyStr(await ctx.salt('file.gid_to_group', [w.gid ?? lusr.gid]));
  const oldDefaultGrp = pyStr(await ctx.salt('file.gid_to_group', [lusr.gid]));
  const drop = (arr: string[], g: string) => {
    const i = arr.indexOf(g);
    if (i >= 0) arr.splice(i, 1);
  };
  drop(curGroups, defaultGrp);
  drop(wantedGroups, defaultGrp);
  if (oldDefaultGrp !== defaultGrp) drop(curGroups, oldDefaultGrp);
  if (curGroups.includes(name) && !wantedGroups.includes(name)) drop(curGroups, name);
  if (await groupChanges(ctx, curGroups, wantedGroups, w.removeGroups)) {
    if (wantedGroups.length || w.removeGroups) change.groups = wantedGroups;
  }
  if (w.home && lusr.home !== w.home) change.home = w.home;
  if (w.createhome) {
    const newhome = w.home ? w.home : lusr.home;
    if (newhome && !isDir(newhome)) change.homeDoesNotExist = newhome;
  }
  if (w.shell && lusr.shell !== w.shell) change.shell = w.shell;
  const shadow = shadowPasswd(name);
  if (shadow !== null) {
    if (w.password && !w.emptyPassword && w.enforcePassword && shadow !== w.password) change.passwd = w.password;
    if (w.emptyPassword && shadow !== '') change.empty_password = true;
  }
  for (const [key, value] of Object.entries(w.gecos)) {
    if (value !== null && (lusr[key] ?? '') !== value) change[key] = value;
  }
  const errors: string[] = [];
  if (!w.allowUidChange && 'uid' in change) {
    errors.push(
      `Changing uid (${lusr.uid} -> ${pyStr(w.uid)}) not permitted, set allow_uid_change to True to force this change. Note that this will not change file ownership.`,
    );
  }
  if (!w.allowGidChange && 'gid' in change) {
    errors.push(
      `Changing gid (${lusr.gid} -> ${pyStr(w.gid)}) not permitted, set allow_gid_change to True to force this change. Note that this will not change file ownership.`,
    );
  }
  if (errors.length) throw errorWithInfo('Encountered error checking for needed changes', { errors });
  return change;
}

/** Python's `str()` of a changes dict, for the "could not be changed" comment. */
function pyDictRepr(d: Record<string, unknown>): string {
  const r = (v: unknown): string =>
    typeof v === 'string' ? `'${v}'` : Array.isArray(v) ? `[${v.map(r).join(', ')}]` : v === true ? 'True' : v === false ? 'False' : String(v);
  return `{${Object.entries(d).map(([k, v]) => `'${k}': ${r(v)}`).join(', ')}}`;
}

function deepEqual(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

async function present(p: Record<string, any>, ctx: StateCallContext): Promise<StateRet> {
  const name = pyStr(p.name);
  const ret: StateRet = { name, changes: {}, result: true, comment: `User ${name} is present and up to date` };
  const gecos = {
    fullname: optText(p.fullname),
    roomnumber: optText(p.roomnumber),
    workphone: optText(p.workphone),
    homephone: optText(p.homephone),
    other: optText(p.other),
  };
  for (const field of [gecos.fullname, gecos.roomnumber, gecos.workphone]) {
    if (field !== null && field.includes(',')) {
      ret.comment = `Unsupported char ',' in ${field}`;
      ret.result = false;
      return ret;
    }
  }
  let groups = list(p.groups);
  const optionalGroups = list(p.optional_groups);
  if (groups && groups.length) {
    const missing: string[] = [];
    for (const g of groups) {
      const info = await ctx.salt('group.info', [g]);
      if (!isDict(info) || !Object.keys(info).length) missing.push(g);
    }
    if (missing.length) {
      ret.comment = `The following group(s) are not present: ${missing.join(',')}`;
      ret.result = false;
      return ret;
    }
  }
  let presentOpt: string[] | null = null;
  if (optionalGroups && optionalGroups.length) {
    presentOpt = [];
    for (const g of optionalGroups) {
      const info = await ctx.salt('group.info', [g]);
      if (isDict(info) && Object.keys(info).length) presentOpt.push(g);
    }
  }
  const changesGid = p.usergroup && (await ctx.salt('file.group_to_gid', [name])) !== '' ? name : p.gid;
  const removeGroups = p.remove_groups !== false;
  const wanted: Wanted = {
    uid: p.uid,
    gid: changesGid,
    groups,
    optionalGroups: presentOpt,
    removeGroups,
    home: p.home ? pyStr(p.home) : null,
    createhome: p.createhome !== false,
    password: p.password ? pyStr(p.password) : null,
    enforcePassword: p.enforce_password !== false,
    emptyPassword: !!p.empty_password,
    shell: p.shell ? pyStr(p.shell) : null,
    gecos,
    allowUidChange: !!p.allow_uid_change,
    allowGidChange: !!p.allow_gid_change,
  };
  let changes: Record<string, unknown> | false;
  try {
    changes = await userChanges(ctx, name, wanted);
  } catch (err) {
    ret.result = false;
    ret.comment = (err as Error).message;
    return ret;
  }
  if (changes && Object.keys(changes).length) {
    if (ctx.test) {
      ret.result = null;
      ret.comment = 'The following user attributes are set to be changed:\n';
      for (const [key, val] of Object.entries(changes)) {
        const shown = key === 'passwd' ? REDACTED : Array.isArray(val) ? `[${val.map((v) => `'${v}'`).join(', ')}]` : pyStr(val);
        ret.comment += `${key}: ${shown}\n`;
      }
      return ret;
    }
    const preShadow = shadowPasswd(name);
    const pre = (await ctx.salt('user.info', [name])) as UserInfo;
    if ('passwd' in changes) {
      delete changes.passwd;
      if (!wanted.emptyPassword) await setPasswd(ctx, name, wanted.password!);
    }
    if (changes.empty_password === true) {
      delete changes.empty_password;
      await setPasswd(ctx, name, '');
    }
    let homeChanged = false;
    if ('home' in changes) {
      const val = changes.home;
      delete changes.home;
      if (!('homeDoesNotExist' in changes)) {
        await ctx.salt('user.chhome', [name, val], { persist: false });
        homeChanged = true;
      }
    }
    if ('homeDoesNotExist' in changes) {
      const val = pyStr(changes.homeDoesNotExist);
      delete changes.homeDoesNotExist;
      if (!homeChanged) await ctx.salt('user.chhome', [name, val], { persist: false });
      if (!isDir(val)) await ctx.salt('file.mkdir', [val, pre.uid, pre.gid, 493]);
    }
    for (const key of Object.keys(changes)) {
      if (key !== 'groups' && CH_FUNCS.has(key)) {
        await ctx.salt(`user.ch${key}`, [name, changes[key]]);
        delete changes[key];
      }
    }
    if ('groups' in changes) {
      await ctx.salt('user.chgroups', [name, changes.groups, !removeGroups]);
      delete changes.groups;
    }
    if (Object.keys(changes).length) ((ret.warnings ??= []) as string[]).push(`Unhandled changes: ${Object.keys(changes).join(', ')}`);
    const post = (await ctx.salt('user.info', [name])) as UserInfo;
    for (const key of Object.keys(post)) if (!deepEqual(post[key], pre[key])) ret.changes[key] = post[key];
    if (preShadow !== null && preShadow !== wanted.password && shadowPasswd(name) !== preShadow) ret.changes.passwd = REDACTED;
    if (Object.keys(ret.changes).length) ret.comment = `Updated user ${name}`;
    const left = await userChanges(ctx, name, { ...wanted, gid: p.gid, allowUidChange: true, allowGidChange: true });
    if (left && Object.keys(left).length) {
      ret.comment = `These values could not be changed: ${pyDictRepr(left)}`;
      ret.result = false;
    }
    return ret;
  }
  if (changes === false) {
    if (ctx.test) {
      ret.result = null;
      ret.comment = `User ${name} set to be added`;
      return ret;
    }
    if (groups && presentOpt) groups = [...groups, ...presentOpt];
    else if (presentOpt) groups = [...presentOpt];
    const result = await ctx.salt('user.add', [], {
      name,
      uid: p.uid ?? null,
      gid: p.gid ?? null,
      groups,
      home: wanted.home,
      shell: wanted.shell,
      unique: p.unique !== false,
      system: !!p.system,
      fullname: gecos.fullname ?? '',
      roomnumber: gecos.roomnumber ?? '',
      workphone: gecos.workphone ?? '',
      homephone: gecos.homephone ?? '',
      other: gecos.other ?? '',
      createhome: wanted.createhome,
      nologinit: !!p.nologinit,
      usergroup: p.usergroup ?? null,
    });
    if (result === true) {
      ret.comment = `New user ${name} created`;
      ret.changes = { ...((await ctx.salt('user.info', [name])) as UserInfo) };
      if (!wanted.createhome) ret.changes.home = '';
      if (shadowPasswd(name) !== null) {
        if (wanted.password && !wanted.emptyPassword) {
          await setPasswd(ctx, name, wanted.password);
          if (shadowPasswd(name) !== wanted.password) {
            ret.comment = `User ${name} created but failed to set password to ${REDACTED}`;
            ret.result = false;
          }
          ret.changes.password = REDACTED;
        }
        if (wanted.emptyPassword && !wanted.password) {
          await setPasswd(ctx, name, '');
          if (shadowPasswd(name) !== '') {
            ret.comment = `User ${name} created but failed to empty password`;
            ret.result = false;
          }
          ret.changes.password = '';
        }
      }
    } else {
      ret.comment = typeof result === 'string' ? result : `Failed to create new user ${name}`;
      ret.result = false;
    }
  }
  return ret;
}

async function absent(p: Record<string, any>, ctx: StateCallContext): Promise<StateRet> {
  const name = pyStr(p.name);
  const ret: StateRet = { name, changes: {}, result: true, comment: '' };
  const lusr = (await ctx.salt('user.info', [name])) as UserInfo;
  if (!lusr || !Object.keys(lusr).length) {
    ret.comment = `User ${name} is not present`;
    return ret;
  }
  if (ctx.test) {
    ret.result = null;
    ret.comment = `User ${name} set for removal`;
    return ret;
  }
  const beforeGroups = new Set<string>((lusr.groups as string[]) ?? []);
  ret.result = !!(await ctx.salt('user.delete', [name, !!p.purge, !!p.force]));
  if (ret.result) {
    ret.changes = {};
    for (const g of beforeGroups) {
      const info = await ctx.salt('group.info', [g]);
      if (!isDict(info) || !Object.keys(info).length) ret.changes[`${g} group`] = 'removed';
    }
    ret.changes[name] = 'removed';
    ret.comment = `Removed user ${name}`;
  } else {
    ret.result = false;
    ret.comment = `Failed to remove user ${name}`;
  }
  return ret;
}

const PRESENT_ARGS = [
  'name', 'uid', 'gid', 'usergroup', 'groups', 'optional_groups', 'remove_groups', 'home', 'createhome', 'password',
  'hash_password', 'enforce_password', 'empty_password', 'shell', 'unique', 'system', 'fullname', 'roomnumber',
  'workphone', 'homephone', 'other', 'loginclass', 'date', 'mindays', 'maxdays', 'inactdays', 'warndays', 'expire',
  'win_homedrive', 'win_profile', 'win_logonscript', 'win_description', 'nologinit', 'allow_uid_change',
  'allow_gid_change', 'password_lock',
] as const;

const mod: SaltModule = {
  name: 'user',
  functions: {
    present: defineState(
      {
        args: PRESENT_ARGS,
        defaults: {
          uid: null, gid: null, usergroup: null, groups: null, optional_groups: null, remove_groups: true, home: null,
          createhome: true, password: null, hash_password: false, enforce_password: true, empty_password: false, shell: null,
          unique: true, system: false, fullname: null, roomnumber: null, workphone: null, homephone: null, other: null,
          loginclass: null, date: null, mindays: null, maxdays: null, inactdays: null, warndays: null, expire: null,
          win_homedrive: null, win_profile: null, win_logonscript: null, win_description: null, nologinit: false,
          allow_uid_change: false, allow_gid_change: false, password_lock: null,
        },
        doc: 'Ensure that the named user is present with the specified properties',
      },
      (p, ctx) => present(p, ctx),
    ),
    absent: defineState(
      { args: ['name', 'purge', 'force'], defaults: { purge: false, force: false }, doc: 'Ensure that the named user is absent' },
      (p, ctx) => absent(p, ctx),
    ),
  },
};

export default mod;
