/**
 * Salt's `group` state module: make sure a local group exists with the given gid and
 * members (`present`) or does not (`absent`), through the `group` execution module.
 */
import type { SaltModule } from '../loader/types.js';
import type { StateCallContext } from '../state/runner.js';
import { isDict, pyStr } from '../state/_py.js';
import { defineState, type StateRet } from './_define.js';

type GroupInfo = { name: string; gid: number; members: string[] };

function list(v: unknown): string[] | null {
  if (v === null || v === undefined) return null;
  if (Array.isArray(v)) return v.map((x) => pyStr(x));
  return pyStr(v).split(',').filter(Boolean);
}

/** Python's repr of a change value, as the state comment prints it. */
function pyRepr(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(pyRepr).join(', ')}]`;
  if (v instanceof Set) return v.size ? `{${[...v].map(pyRepr).join(', ')}}` : 'set()';
  if (typeof v === 'string') return `'${v}'`;
  return String(v);
}

/** Salt's `_changes`: what differs, false when the group is missing, or an error return. */
async function groupChanges(
  ctx: StateCallContext,
  name: string,
  gid: unknown,
  addusers: string[] | null,
  delusers: string[] | null,
  members: string[] | null,
): Promise<Record<string, unknown> | false | { result: false; comment: string }> {
  const lgrp = (await ctx.salt('group.info', [name])) as GroupInfo | Record<string, never>;
  if (!isDict(lgrp) || !Object.keys(lgrp).length) return false;
  const g = lgrp as GroupInfo;
  const change: Record<string, unknown> = {};
  if (gid !== null && gid !== undefined && gid !== '' && gid !== 0) {
    const n = Number(gid);
    if (!Number.isInteger(n)) return { result: false, comment: 'Invalid gid' };
    if (g.gid !== n) change.gid = n;
  }
  const cur = new Set(g.members);
  const differs = (want: string[]) => want.some((u) => !cur.has(u)) || [...cur].some((u) => !want.includes(u));
  if (members !== null && !members.length) {
    if (differs(members)) change.delusers = new Set(g.members);
  } else if (members && members.length) {
    if (differs(members)) change.members = members;
  }
  if (addusers && addusers.length) {
    const add = addusers.filter((u) => !cur.has(u));
    if (add.length) change.addusers = add;
  }
  if (delusers && delusers.length) {
    const del = delusers.filter((u) => cur.has(u));
    if (del.length) change.delusers = del;
  }
  return change;
}

async function present(p: Record<string, any>, ctx: StateCallContext): Promise<StateRet> {
  const name = pyStr(p.name);
  const ret: StateRet = { name, changes: {}, result: true, comment: `Group ${name} is present and up to date` };
  const members = list(p.members);
  const addusers = list(p.addusers);
  const delusers = list(p.delusers);
  if (members !== null && (addusers !== null || delusers !== null)) {
    ret.result = null;
    ret.comment = 'Error: Conflicting options "members" with "addusers" and/or "delusers" can not be used together. ';
    return ret;
  }
  if (addusers && delusers && addusers.some((u) => delusers.includes(u))) {
    ret.result = null;
    ret.comment = 'Error. Same user(s) can not be added and deleted simultaneously';
    return ret;
  }
  let changes = await groupChanges(ctx, name, p.gid, addusers, delusers, members);
  if (changes && 'result' in changes && changes.result === false) {
    // Salt merges this error dict into nothing and reports it as the list of changes
    changes = { result: false, comment: changes.comment };
  }
  if (changes && Object.keys(changes).length) {
    ret.comment = 'The following group attributes are set to be changed:\n';
    for (const [key, val] of Object.entries(changes)) ret.comment += `${key}: ${key === 'gid' ? String(val) : pyRepr(val)}\n`;
    if (ctx.test) {
      ret.result = null;
      return ret;
    }
    for (const [key, val] of Object.entries(changes)) {
      if (key === 'gid') await ctx.salt('group.chgid', [name, p.gid], p.non_unique ? { non_unique: true } : {});
      else if (key === 'addusers') for (const u of val as string[]) await ctx.salt('group.adduser', [name, u]);
      else if (key === 'delusers') for (const u of val as Iterable<string>) await ctx.salt('group.deluser', [name, u]);
      else if (key === 'members') await ctx.salt('group.members', [name, members!.join(',')]);
    }
    delete ctx.context['group.getent'];
    const left = await groupChanges(ctx, name, p.gid, addusers, delusers, members);
    if (left && Object.keys(left).length) {
      ret.result = false;
      ret.comment += 'Some changes could not be applied';
      ret.changes = { Failed: left };
    } else ret.changes = { Final: 'All changes applied successfully' };
    return ret;
  }
  if (changes === false) {
    if (ctx.test) {
      ret.result = null;
      ret.comment = `Group ${name} set to be added`;
      return ret;
    }
    const gid = p.gid ?? null;
    if (gid !== null && !p.non_unique) {
      const all = (await ctx.salt('group.getent')) as GroupInfo[];
      const taken = all.find((g) => g.gid === Number(gid));
      if (taken) {
        ret.result = false;
        ret.comment = `Group ${name} is not present but gid ${pyStr(gid)} is already taken by group ${taken.name}`;
        return ret;
      }
    }
    if (await ctx.salt('group.add', [name], { gid, system: !!p.system, ...(p.non_unique ? { non_unique: true } : {}) })) {
      let grpMembers: string | null = null;
      if (members && members.length) grpMembers = members.join(',');
      if (addusers && addusers.length) grpMembers = addusers.join(',');
      if (grpMembers) await ctx.salt('group.members', [name, grpMembers]);
      delete ctx.context['group.getent'];
      ret.comment = `New group ${name} created`;
      ret.changes = (await ctx.salt('group.info', [name])) as Record<string, unknown>;
      const left = await groupChanges(ctx, name, p.gid, addusers, delusers, members);
      if (left && Object.keys(left).length) {
        ret.result = false;
        ret.comment = `Group ${name} has been created but, some changes could not be applied`;
        ret.changes = { Failed: left };
      }
    } else {
      ret.result = false;
      ret.comment = `Failed to create new group ${name}`;
    }
  }
  return ret;
}

async function absent(p: Record<string, any>, ctx: StateCallContext): Promise<StateRet> {
  const name = pyStr(p.name);
  const ret: StateRet = { name, changes: {}, result: true, comment: '' };
  const info = await ctx.salt('group.info', [name]);
  if (!isDict(info) || !Object.keys(info).length) {
    ret.comment = 'Group not present';
    return ret;
  }
  if (ctx.test) {
    ret.result = null;
    ret.comment = `Group ${name} is set for removal`;
    return ret;
  }
  ret.result = !!(await ctx.salt('group.delete', [name]));
  if (ret.result) {
    ret.changes = { [name]: '' };
    ret.comment = `Removed group ${name}`;
  } else ret.comment = `Failed to remove group ${name}`;
  return ret;
}

const mod: SaltModule = {
  name: 'group',
  functions: {
    present: defineState(
      {
        args: ['name', 'gid', 'system', 'addusers', 'delusers', 'members', 'non_unique'],
        defaults: { gid: null, system: false, addusers: null, delusers: null, members: null, non_unique: false },
        doc: 'Ensure that a group is present',
      },
      (p, ctx) => present(p, ctx),
    ),
    absent: defineState({ args: ['name'], doc: 'Ensure that the named group is absent' }, (p, ctx) => absent(p, ctx)),
  },
};

export default mod;
