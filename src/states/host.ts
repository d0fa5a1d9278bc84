/**
 * Salt's `host` state module: manage address/alias pairs in the hosts file through the
 * `hosts` execution module (`present`, `absent`, `only`).
 */
import { isIP } from 'node:net';
import type { SaltModule } from '../loader/types.js';
import type { StateCallContext } from '../state/runner.js';
import { pyStr } from '../state/_py.js';
import { defineState, type StateRet } from './_define.js';

interface HostInfo {
  aliases?: string[];
  comment?: string;
}

function pushTo(changes: Record<string, unknown>, kind: string, addr: string, value: string): void {
  const byAddr = (changes[kind] ??= {}) as Record<string, string[]>;
  (byAddr[addr] ??= []).push(value);
}

async function present(p: Record<string, any>, ctx: StateCallContext): Promise<StateRet> {
  const name = pyStr(p.name);
  const ret: StateRet = { name, changes: {}, result: true, comment: '' };
  const ips: string[] = (Array.isArray(p.ip) ? p.ip : [p.ip]).map((x: unknown) => pyStr(x));
  const comment = p.comment ? pyStr(p.comment) : '';
  const allHosts = (await ctx.salt('hosts.list_hosts')) as Record<string, HostInfo | string[]>;
  const comments: string[] = [];
  const toAdd: Array<[string, string]> = [];
  const toRemove: Array<[string, string]> = [];
  const updateComment: Array<[string, string]> = [];
  const addUnique = (list: Array<[string, string]>, a: string, b: string) => {
    if (!list.some(([x, y]) => x === a && y === b)) list.push([a, b]);
  };
  for (const addr of ips) {
    if (!(addr in allHosts)) {
      addUnique(toAdd, addr, name);
      if (comment) addUnique(updateComment, addr, comment);
    }
  }
  for (const [addr, info] of Object.entries(allHosts)) {
    const aliases = Array.isArray(info) ? undefined : info.aliases;
    const hasName = !!aliases && aliases.includes(name);
    if (!ips.includes(addr)) {
      if (hasName) {
        if (p.clean) addUnique(toRemove, addr, name);
        else {
          ((ret.warnings ??= []) as string[]).push(
            `Host ${name} present for IP address ${addr}. To get rid of this warning, either run this state with 'clean' set to True to remove ${name} from ${addr}, or add ${addr} to the 'ip' argument.`,
          );
        }
      }
    } else if (hasName) {
      const cur = (info as HostInfo).comment;
      if (comment && cur !== undefined && cur !== comment) addUnique(updateComment, addr, comment);
      else if (comment && cur === undefined) addUnique(updateComment, addr, comment);
      else comments.push(`Host ${name} (${addr}) already present`);
    } else if (isIP(addr)) {
      addUnique(toAdd, addr, name);
      if (comment) addUnique(updateComment, addr, comment);
    } else {
      ret.result = false;
      comments.push(`Invalid IP Address for ${name} (${addr})`);
    }
  }
  for (const [addr, host] of toAdd) {
    if (ctx.test) {
      ret.result = null;
      comments.push(`Host ${host} (${addr}) would be added`);
    } else if (await ctx.salt('hosts.add_host', [addr, host])) comments.push(`Added host ${host} (${addr})`);
    else {
      ret.result = false;
      comments.push(`Failed to add host ${host} (${addr})`);
      continue;
    }
    pushTo(ret.changes, 'added', addr, host);
  }
  for (const [addr, text] of updateComment) {
    if (ctx.test) comments.push(`Comment for ${addr} (${text}) would be added`);
    else if (await ctx.salt('hosts.set_comment', [addr, text])) comments.push(`Set comment for host ${addr} (${text})`);
    else {
      ret.result = false;
      comments.push(`Failed to add comment for host ${addr} (${text})`);
      continue;
    }
    pushTo(ret.changes, 'comment_added', addr, text);
  }
  for (const [addr, host] of toRemove) {
    if (ctx.test) {
      ret.result = null;
      comments.push(`Host ${host} (${addr}) would be removed`);
    } else if (await ctx.salt('hosts.rm_host', [addr, host])) comments.push(`Removed host ${host} (${addr})`);
    else {
      ret.result = false;
      comments.push(`Failed to remove host ${host} (${addr})`);
      continue;
    }
    pushTo(ret.changes, 'removed', addr, host);
  }
  ret.comment = comments.join('\n');
  return ret;
}

async function absent(p: Record<string, any>, ctx: StateCallContext): Promise<StateRet> {
  const name = pyStr(p.name);
  const ret: StateRet = { name, changes: {}, result: null, comment: '' };
  const ips: string[] = (Array.isArray(p.ip) ? p.ip : [p.ip]).map((x: unknown) => pyStr(x));
  const comments: string[] = [];
  for (const ip of ips) {
    if (!(await ctx.salt('hosts.has_pair', [ip, name]))) {
      ret.result = true;
      comments.push(`Host ${name} (${ip}) already absent`);
    } else if (ctx.test) comments.push(`Host ${name} (${ip}) needs to be removed`);
    else if (await ctx.salt('hosts.rm_host', [ip, name])) {
      ret.changes = { host: name };
      ret.result = true;
      comments.push(`Removed host ${name} (${ip})`);
    } else {
      ret.result = false;
      comments.push('Failed to remove host');
    }
  }
  ret.comment = comments.join('\n');
  return ret;
}

async function only(p: Record<string, any>, ctx: StateCallContext): Promise<StateRet> {
  const name = pyStr(p.name);
  const ret: StateRet = { name, changes: {}, result: null, comment: '' };
  const hostnames: string[] = (typeof p.hostnames === 'string' ? [p.hostnames] : (p.hostnames as unknown[])).map((x) => pyStr(x));
  const old = ((await ctx.salt('hosts.get_alias', [name])) as string[]).join(' ');
  const next = hostnames.map((x) => x.trim()).join(' ');
  if (old === next) {
    ret.comment = `IP address ${name} already set to "${next}"`;
    ret.result = true;
    return ret;
  }
  if (ctx.test) {
    ret.comment = `Would change ${name} from "${old}" to "${next}"`;
    return ret;
  }
  ret.result = (await ctx.salt('hosts.set_host', [name, next])) as boolean;
  if (!ret.result) {
    ret.comment = `hosts.set_host failed to change ${name} from "${old}" to "${next}"`;
    return ret;
  }
  ret.comment = `successfully changed ${name} from "${old}" to "${next}"`;
  ret.changes = { [name]: { old, new: next } };
  return ret;
}

const mod: SaltModule = {
  name: 'host',
  functions: {
    present: defineState(
      { args: ['name', 'ip', 'comment', 'clean'], defaults: { comment: '', clean: false }, doc: 'Ensures that the named host is present with the given ip' },
      (p, ctx) => present(p, ctx),
    ),
    absent: defineState({ args: ['name', 'ip'], doc: 'Ensure that the named host is absent' }, (p, ctx) => absent(p, ctx)),
    only: defineState(
      { args: ['name', 'hostnames'], doc: 'Ensure that only the given hostnames are associated with the given IP address.' },
      (p, ctx) => only(p, ctx),
    ),
  },
};

export default mod;
