/**
 * Salt's `hosts` execution module (Salt's file: hosts.py): read and edit the hosts file
 * (`/etc/hosts`, or the `hosts.file` option). The parsed file is cached in `__context__`
 * for the job and dropped whenever a function writes it.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { EOL } from 'node:os';
import { defineFunction } from '../loader/define.js';
import type { CallContext, SaltModule } from '../loader/types.js';
import { pyText } from './_syscmd.js';
import { isFile } from '../fs_checks.js';

/** One address line: its aliases and its trailing comment, if any. */
export interface HostEntry {
  aliases: string[];
  comment?: string;
}

/** The parsed hosts file in file order: `comment-N` keys hold whole comment lines. */
export type HostsMap = Map<string, HostEntry | string[]>;

const LIST_KEY = 'hosts._list_hosts';
const FILE_KEY = 'hosts.__get_hosts_filename';

/** The hosts file this call works on: `hosts.file` from the options (default `/etc/hosts`). */
function hostsFile(ctx: CallContext): string {
  if (typeof ctx.context[FILE_KEY] === 'string') return ctx.context[FILE_KEY] as string;
  const opt = ctx.opts['hosts.file'];
  const file = opt === undefined || opt === null ? '/etc/hosts' : pyText(opt);
  ctx.context[FILE_KEY] = file;
  return file;
}

function getOrCreate(ctx: CallContext): string {
  const file = hostsFile(ctx);
  if (!existsSync(file)) writeFileSync(file, '');
  return file;
}

/** Parses hosts-file text the way Salt does (comments kept, one entry per address). */
export function parseHosts(text: string): HostsMap {
  const ret: HostsMap = new Map();
  let count = 0;
  for (const raw of text.split('\n')) {
    let line = raw.trim();
    if (!line) continue;
    if (line.startsWith('#')) {
      ret.set(`comment-${count}`, [line]);
      count++;
      continue;
    }
    let comment: string | null = null;
    const hash = line.indexOf('#');
    if (hash >= 0) {
      comment = line.slice(hash + 1).trimStart();
      line = line.slice(0, hash).trim();
    }
    const comps = line.split(/\s+/).filter(Boolean);
    const ip = comps.shift();
    if (ip === undefined) continue;
    let entry = ret.get(ip) as HostEntry | undefined;
    if (!entry) {
      entry = { aliases: [] };
      ret.set(ip, entry);
    }
    entry.aliases.push(...comps);
    if (comment) entry.comment = comment;
  }
  return ret;
}

function listHosts(ctx: CallContext): HostsMap {
  const cached = ctx.context[LIST_KEY] as HostsMap | undefined;
  if (cached) return cached;
  let text: string;
  try {
    text = readFileSync(hostsFile(ctx), 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return new Map();
    throw err;
  }
  const ret = parseHosts(text);
  ctx.context[LIST_KEY] = ret;
  return ret;
}

function entryOf(hosts: HostsMap, ip: string): HostEntry | undefined {
  const e = hosts.get(ip);
  return e && !Array.isArray(e) ? e : undefined;
}

function hasPair(ctx: CallContext, ip: string, alias: unknown): boolean {
  const entry = entryOf(listHosts(ctx), ip);
  if (!entry) return false;
  if (Array.isArray(alias)) return alias.every((a) => entry.aliases.includes(pyText(a)));
  return entry.aliases.includes(pyText(alias));
}

function writeHosts(ctx: CallContext, hosts: HostsMap): void {
  const lines: string[] = [];
  for (const [ip, info] of hosts) {
    if (!ip) continue;
    if (Array.isArray(info)) lines.push(info.join(''));
    else if (info.comment !== undefined) lines.push(`${ip}\t\t${info.aliases.join(' ')}\t\t# ${info.comment}`);
    else lines.push(`${ip}\t\t${info.aliases.join(' ')}`);
  }
  const file = getOrCreate(ctx);
  writeFileSync(file, lines.filter((l) => l.trim()).map((l) => l.trim() + EOL).join(''));
}

/** Splits file text into lines that keep their endings (Python's `readlines`). */
function readLines(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return text.match(/[^\n]*\n|[^\n]+$/g) ?? [];
}

function setHost(ctx: CallContext, ip: string, alias: string, comment: string | null): boolean {
  const file = getOrCreate(ctx);
  if (!isFile(file)) return false;
  delete ctx.context[LIST_KEY];
  let lineToAdd = comment ? `${ip}\t\t${alias}\t\t# ${comment}${EOL}` : `${ip}\t\t${alias}${EOL}`;
  if (!alias.trim()) lineToAdd = '';
  const lines = readLines(file);
  let replaced = false;
  for (let i = 0; i < lines.length; i++) {
    const tmp = lines[i].trim();
    if (!tmp || tmp.startsWith('#')) continue;
    if (tmp.split(/\s+/)[0] === ip) {
      lines[i] = replaced ? '' : lineToAdd;
      replaced = true;
    }
  }
  if (!replaced) {
    if (lines.length && !lines[lines.length - 1].endsWith(EOL)) lines[lines.length - 1] += EOL;
    lines.push(lineToAdd);
  }
  writeFileSync(file, lines.join(''));
  return true;
}

function rmHost(ctx: CallContext, ip: string, alias: string): boolean {
  if (!hasPair(ctx, ip, alias)) return true;
  delete ctx.context[LIST_KEY];
  const file = getOrCreate(ctx);
  const lines = readLines(file);
  for (let i = 0; i < lines.length; i++) {
    const tmp = lines[i].trim();
    if (!tmp || tmp.startsWith('#')) continue;
    let hostInfo = tmp;
    let comment: string | null = null;
    const hash = tmp.indexOf('#');
    if (hash >= 0) {
      hostInfo = tmp.slice(0, hash);
      comment = tmp.slice(hash + 1).trimStart();
    }
    const comps = hostInfo.split(/\s+/).filter(Boolean);
    if (comps[0] !== ip) continue;
    let newline = `${comps[0]}\t\t`;
    for (const existing of comps.slice(1)) if (existing !== alias) newline += `${existing} `;
    if (newline.trim() === ip) lines[i] = '';
    else if (comment) lines[i] = `${newline}# ${comment}${EOL}`;
    else lines[i] = `${newline}${EOL}`;
  }
  writeFileSync(file, lines.join(''));
  return true;
}

function addHost(ctx: CallContext, ip: string, alias: string): boolean {
  const file = getOrCreate(ctx);
  if (!isFile(file)) return false;
  if (hasPair(ctx, ip, alias)) return true;
  const hosts = listHosts(ctx);
  delete ctx.context[LIST_KEY];
  let entry = entryOf(hosts, ip);
  if (!entry) {
    entry = { aliases: [] };
    hosts.set(ip, entry);
  }
  entry.aliases.push(alias);
  writeHosts(ctx, hosts);
  return true;
}

function setComment(ctx: CallContext, ip: string, comment: string): boolean {
  const file = getOrCreate(ctx);
  if (!isFile(file)) return false;
  const hosts = listHosts(ctx);
  delete ctx.context[LIST_KEY];
  const entry = entryOf(hosts, ip);
  if (!entry) return false;
  if (entry.comment === comment) return true;
  entry.comment = comment;
  writeHosts(ctx, hosts);
  return true;
}

/** The hosts map as a plain object (what `hosts.list_hosts` returns). */
function toObject(hosts: HostsMap): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of hosts) out[k] = Array.isArray(v) ? [...v] : { ...v, aliases: [...v.aliases] };
  return out;
}

const mod: SaltModule = {
  name: 'hosts',
  functions: {
    list_hosts: defineFunction(
      {
        doc: `
          Return the hosts found in the hosts file in this format::

              {'<ip addr>': {'aliases': ['alias1', ...], 'comment': '...'}}

          CLI Example:

          .. code-block:: bash

              salt '*' hosts.list_hosts
        `,
      },
      (_p, ctx) => toObject(listHosts(ctx)),
    ),
    get_ip: defineFunction(
      {
        args: ['host'],
        doc: `
          Return the ip associated with the named host

          CLI Example:

          .. code-block:: bash

              salt '*' hosts.get_ip <hostname>
        `,
      },
      ({ host }, ctx) => {
        for (const [addr, info] of listHosts(ctx)) {
          if (!Array.isArray(info) && info.aliases.includes(pyText(host))) return addr;
        }
        return '';
      },
    ),
    get_alias: defineFunction(
      {
        args: ['ip'],
        doc: `
          Return the list of aliases associated with an ip

          Aliases (host names) are returned in the order in which they
          appear in the hosts file.  If there are no aliases associated with
          the IP, an empty list is returned.

          CLI Example:

          .. code-block:: bash

              salt '*' hosts.get_alias <ip addr>
        `,
      },
      ({ ip }, ctx) => [...(entryOf(listHosts(ctx), pyText(ip))?.aliases ?? [])],
    ),
    has_pair: defineFunction(
      {
        args: ['ip', 'alias'],
        doc: `
          Return true if the alias is set

          CLI Example:

          .. code-block:: bash

              salt '*' hosts.has_pair <ip> <alias>
        `,
      },
      ({ ip, alias }, ctx) => hasPair(ctx, pyText(ip), alias),
    ),
    set_host: defineFunction(
      {
        args: ['ip', 'alias', 'comment'],
        defaults: { comment: null },
        doc: `
          Set the host entry in the hosts file for the given ip, this will overwrite
          any previous entry for the given ip

          .. versionchanged:: 2016.3.0
              If \`\`alias\`\` does not include any host names (it is the empty
              string or contains only whitespace), all entries for the given
              IP address are removed.

          CLI Example:

          .. code-block:: bash

              salt '*' hosts.set_host <ip> <alias>
        `,
      },
      ({ ip, alias, comment }, ctx) => setHost(ctx, pyText(ip), pyText(alias), comment ? pyText(comment) : null),
    ),
    rm_host: defineFunction(
      {
        args: ['ip', 'alias'],
        doc: `
          Remove a host entry from the hosts file

          CLI Example:

          .. code-block:: bash

              salt '*' hosts.rm_host <ip> <alias>
        `,
      },
      ({ ip, alias }, ctx) => rmHost(ctx, pyText(ip), pyText(alias)),
    ),
    add_host: defineFunction(
      {
        args: ['ip', 'alias'],
        doc: `
          Add a host to an existing entry, if the entry is not in place then create
          it with the given host

          CLI Example:

          .. code-block:: bash

              salt '*' hosts.add_host <ip> <alias>
        `,
      },
      ({ ip, alias }, ctx) => addHost(ctx, pyText(ip), pyText(alias)),
    ),
    set_comment: defineFunction(
      {
        args: ['ip', 'comment'],
        doc: `
          Set the comment for a host to an existing entry,
          if the entry is not in place then return False

          CLI Example:

          .. code-block:: bash

              salt '*' hosts.set_comment <ip> <comment>
        `,
      },
      ({ ip, comment }, ctx) => setComment(ctx, pyText(ip), pyText(comment)),
    ),
  },
};

export default mod;
