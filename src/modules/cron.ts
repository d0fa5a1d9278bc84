/**
 * Salt's `cron` execution module (Salt's file: cron.py): read and write users' crontabs with
 * `crontab`. Salt manages the lines below its marker comment, tags jobs with
 * `# SALT_CRON_IDENTIFIER:<id>` and comments out disabled jobs with `#DISABLED#`.
 */
import { randomInt } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defineFunction } from '../loader/define.js';
import type { CallContext, SaltModule } from '../loader/types.js';
import { pyText, readPasswd, runAll, runStdout, whichSync, type CmdResult } from './_syscmd.js';

/** The marker line above the lines Salt manages. */
export const TAG = '# Lines below here are managed by Salt, do not edit\n';
export const SALT_CRON_IDENTIFIER = 'SALT_CRON_IDENTIFIER';
const SALT_CRON_NO_IDENTIFIER = 'NO ID SET';
const TIME_FIELDS = ['minute', 'hour', 'daymonth', 'month', 'dayweek'] as const;

/** A job line (`crons`) or a special `@reboot`-style line (`special`). */
export interface CronEntry {
  minute?: string;
  hour?: string;
  daymonth?: string;
  month?: string;
  dayweek?: string;
  spec?: string;
  cmd: string;
  identifier: string | null;
  comment: string | null;
  commented: boolean;
}

/** A parsed crontab, as `cron.list_tab` returns it. */
export interface CronTab {
  pre: string[];
  crons: CronEntry[];
  special: CronEntry[];
  env: Array<{ name: string; value: string | null }>;
}

function cronId(cron: CronEntry): string {
  return cron.identifier ? cron.identifier : SALT_CRON_NO_IDENTIFIER;
}

/** Salt's `_cron_matched`: same identifier, or same command when no identifier was ever set. */
export function cronMatched(cron: CronEntry, cmd: string, identifier: string | null): boolean {
  let cid = cronId(cron);
  const eid = identifier ? identifier : SALT_CRON_NO_IDENTIFIER;
  let idMatched: boolean;
  if (cron.cmd !== cmd && cid === SALT_CRON_NO_IDENTIFIER && eid === SALT_CRON_NO_IDENTIFIER) idMatched = false;
  else {
    if (cron.cmd === cmd && cid === SALT_CRON_NO_IDENTIFIER && identifier) cid = eid;
    idMatched = eid === cid;
  }
  return idMatched;
}

/** Salt's `_needs_change`: a field changes unless unset or equal; `random` only replaces `*`. */
export function needsChange(old: unknown, next: unknown): boolean {
  if (old === next) return false;
  if (next === 'random') return old === '*';
  return next !== null && next !== undefined;
}

/** Renders a parsed crontab back to lines, the marker first after the unmanaged lines. */
export function renderTab(lst: CronTab): string[] {
  const ret = lst.pre.map((p) => `${p}\n`);
  if (!ret.length || ret[ret.length - 1] !== TAG) ret.push(TAG);
  for (const env of lst.env) ret.push(env.value === null || env.value === '' ? `${env.name}=""\n` : `${env.name}=${env.value}\n`);
  const comment = (cron: CronEntry, strip: boolean) => {
    if (cron.comment === null && cron.identifier === null) return;
    let c = '#';
    if (cron.comment) c += ` ${(strip ? cron.comment.trimEnd() : cron.comment).replace(/\n/g, '\n# ')}`;
    if (cron.identifier) c += ` ${SALT_CRON_IDENTIFIER}:${cron.identifier}`;
    ret.push(`${c}\n`);
  };
  for (const cron of lst.crons) {
    comment(cron, false);
    ret.push(`${cron.commented ? '#DISABLED#' : ''}${cron.minute} ${cron.hour} ${cron.daymonth} ${cron.month} ${cron.dayweek} ${cron.cmd}\n`);
  }
  for (const cron of lst.special) {
    comment(cron, true);
    ret.push(`${cron.commented ? '#DISABLED#' : ''}${cron.spec} ${cron.cmd}\n`);
  }
  return ret;
}

/** Parses crontab text (without crontab's own header) the way `cron.list_tab` does. */
export function parseTab(data: string): CronTab {
  const ret: CronTab = { pre: [], crons: [], special: [], env: [] };
  let managed = false;
  let comment: string | null = null;
  let identifier: string | null = null;
  // Python's splitlines(): no empty item after a final newline, none at all for ''.
  const lines = data === '' ? [] : data.replace(/\r?\n$/, '').split(/\r?\n/);
  for (let line of lines) {
    if (line === TAG.trimEnd()) {
      managed = true;
      continue;
    }
    if (!managed) {
      ret.pre.push(line);
      continue;
    }
    let commented = false;
    if (line.startsWith('#DISABLED#')) {
      line = line.slice(10);
      commented = true;
    }
    if (line.startsWith('@')) {
      const comps = line.split(/\s+/).filter((c) => c !== '');
      if (comps.length < 2) continue;
      ret.special.push({ spec: comps[0], cmd: comps.slice(1).join(' '), identifier, comment, commented });
      identifier = null;
      comment = null;
    } else if (line.startsWith('#')) {
      let text = line.replace(/^[# ]+/, '');
      if (text.includes(SALT_CRON_IDENTIFIER)) {
        const parts = text.split(SALT_CRON_IDENTIFIER);
        text = parts[0].trimEnd();
        if (parts[1].length > 1) identifier = parts[1].slice(1);
      }
      comment = comment === null ? text : `${comment}\n${text}`;
    } else if (line.indexOf('=') > 0 && (!line.includes(' ') || line.indexOf('=') < line.indexOf(' '))) {
      const eq = line.indexOf('=');
      ret.env.push({ name: line.slice(0, eq), value: line.slice(eq + 1) });
    } else if (line.split(' ').length > 5) {
      const comps = line.split(' ');
      ret.crons.push({
        minute: comps[0], hour: comps[1], daymonth: comps[2], month: comps[3], dayweek: comps[4],
        identifier, cmd: comps.slice(5).join(' '), comment, commented,
      });
      identifier = null;
      comment = null;
    }
  }
  return ret;
}

async function userUid(name: string): Promise<number | undefined> {
  return (await readPasswd()).find((u) => u.name === name)?.uid;
}

/** How to address a user's crontab: `-u user` when running as root for someone else, else runas. */
async function crontabAccess(user: string): Promise<{ args: string[]; runas?: string }> {
  const euid = process.geteuid?.() ?? 0;
  const uid = await userUid(user);
  if (uid === euid) return { args: [] };
  if (euid === 0) return { args: ['-u', user] };
  return { args: [], runas: user };
}

/** The text of the user's crontab, crontab's own three-line "DO NOT EDIT" header removed. */
async function rawCron(ctx: CallContext, user: string): Promise<string> {
  const access = await crontabAccess(user);
  const out = await runStdout(ctx, ['crontab', ...access.args, '-l'], { ignoreRetcode: true, rstrip: false, runas: access.runas });
  const lines = out.split(/(?<=\n)/);
  if (lines[0]?.startsWith('# DO NOT EDIT THIS FILE - edit the master and reinstall.')) lines.splice(0, 3);
  return lines.join('');
}

async function listTab(ctx: CallContext, user: string): Promise<CronTab> {
  return parseTab(await rawCron(ctx, user));
}

async function writeCronLines(ctx: CallContext, user: string, lines: string[]): Promise<CmdResult> {
  const dir = await mkdtemp(join(tmpdir(), 'salt-cron-'));
  const path = join(dir, 'crontab');
  try {
    await writeFile(path, lines.join(''), { mode: 0o600 });
    const access = await crontabAccess(user);
    if (access.runas) {
      const uid = await userUid(user);
      if (uid !== undefined) {
        const { chown } = await import('node:fs/promises');
        await chown(dir, uid, -1);
        await chown(path, uid, -1);
      }
    }
    return await runAll(ctx, ['crontab', ...access.args, path], { runas: access.runas });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function commit(ctx: CallContext, user: string, lst: CronTab, ok: string): Promise<string> {
  const res = await writeCronLines(ctx, user, renderTab(lst));
  return res.retcode ? res.stderr : ok;
}

function randomField(value: string, range: [number, number]): string {
  if (value === 'random') return String(randomInt(range[0], range[1] + 1));
  const parts = value.split(':');
  if (parts.length === 2) {
    const [a, b] = parts.sort().map((x) => parseInt(x, 10));
    return String(randomInt(Math.min(a, b), Math.max(a, b) + 1));
  }
  return value;
}

/** Salt's `_get_cron_date_time`: `random` and `a:b` ranges become concrete values. */
function cronDateTime(t: Record<(typeof TIME_FIELDS)[number], string>): Record<(typeof TIME_FIELDS)[number], string> {
  const minute = randomField(t.minute, [0, 59]);
  const hour = randomField(t.hour, [0, 23]);
  const month = randomField(t.month, [1, 12]);
  const dayweek = randomField(t.dayweek, [0, 6]);
  const dayMax = ['1', '3', '5', '7', '8', '10', '12'].includes(month) ? 31 : ['4', '6', '9', '11'].includes(month) ? 30 : 28;
  const daymonth = t.daymonth === 'random' ? String(randomInt(1, dayMax + 1)) : t.daymonth;
  return { minute, hour, daymonth, month, dayweek };
}

interface JobSpec {
  time?: Record<(typeof TIME_FIELDS)[number], string>;
  special?: string;
  cmd: string;
  commented: boolean;
  comment: string | null;
  identifier: string | null;
}

/** Shared body of set_job and set_special: "present", "new", "updated", or crontab's error text. */
async function setEntry(ctx: CallContext, user: string, job: JobSpec): Promise<string> {
  const lst = await listTab(ctx, user);
  for (const cron of [...lst.crons, ...lst.special]) {
    let cid: string | null = cronId(cron);
    if (!cronMatched(cron, job.cmd, job.identifier)) continue;
    const settedId = cron.identifier === null ? SALT_CRON_NO_IDENTIFIER : cron.identifier;
    const tests: Array<[unknown, unknown]> = [
      [cron.comment, job.comment],
      [cron.commented, job.commented],
      [job.identifier, settedId],
      ...TIME_FIELDS.map((f) => [cron[f], job.time ? job.time[f] : null] as [unknown, unknown]),
      [cron.spec, job.special ?? null],
    ];
    if (cid || job.identifier) tests.push([cron.cmd, job.cmd]);
    if (!tests.some(([a, b]) => needsChange(a, b))) return 'present';
    if (cron.spec !== undefined) await removeEntry(ctx, user, 'special', job.cmd, cid, () => true);
    else await removeEntry(ctx, user, 'crons', job.cmd, cid, () => true);
    const next: JobSpec = { ...job };
    if (job.time) {
      const time = { ...job.time };
      for (const f of TIME_FIELDS) if (!needsChange(cron[f], time[f])) time[f] = cron[f] as string;
      next.time = time;
    }
    if (job.special !== undefined && !needsChange(cron.spec, job.special)) next.special = cron.spec;
    if (!needsChange(cron.commented, job.commented)) next.commented = cron.commented;
    if (!needsChange(cron.comment, job.comment)) next.comment = cron.comment;
    if (!needsChange(cron.cmd, job.cmd)) {
      next.cmd = cron.cmd;
      if (cid === SALT_CRON_NO_IDENTIFIER) {
        if (job.identifier) cid = job.identifier;
        if (cid === SALT_CRON_NO_IDENTIFIER && cron.identifier === null) cid = null;
      }
    }
    if (!cid || !needsChange(cid, job.identifier)) next.identifier = cid;
    const jret = await setEntry(ctx, user, next);
    return jret === 'new' ? 'updated' : jret;
  }
  const entry: CronEntry = { cmd: job.cmd, identifier: job.identifier, comment: job.comment, commented: job.commented };
  if (job.special !== undefined) lst.special.push({ spec: job.special, ...entry });
  else lst.crons.push({ ...entry, ...cronDateTime(job.time!) });
  return commit(ctx, user, lst, 'new');
}

async function removeEntry(
  ctx: CallContext,
  user: string,
  kind: 'crons' | 'special',
  cmd: string,
  identifier: string | null,
  matches: (c: CronEntry) => boolean,
  writeAlways = false,
): Promise<string> {
  const lst = await listTab(ctx, user);
  const index = lst[kind].findIndex((c) => cronMatched(c, cmd, identifier) && matches(c));
  if (index < 0) return writeAlways ? commit(ctx, user, lst, 'absent') : 'absent';
  lst[kind].splice(index, 1);
  return commit(ctx, user, lst, 'removed');
}

function optText(v: unknown): string | null {
  return v === null || v === undefined ? null : pyText(v);
}

const RM_JOB_DOC = `
  Remove a cron job for a specified user. If any of the day/time params are
  specified, the job will only be removed if the specified params match.

  CLI Example:

  .. code-block:: bash

      salt '*' cron.rm_job root /usr/local/weekly
      salt '*' cron.rm_job root /usr/bin/foo dayweek=1
`;

function rmJobFn(pyName: string) {
  return defineFunction(
    {
      args: ['user', 'cmd', 'minute', 'hour', 'daymonth', 'month', 'dayweek', 'identifier'],
      defaults: { minute: null, hour: null, daymonth: null, month: null, dayweek: null, identifier: null },
      doc: RM_JOB_DOC,
      pyName,
    },
    (p, ctx) => {
      const given = TIME_FIELDS.filter((f) => p[f] !== null && p[f] !== undefined);
      const timeMatch = (c: CronEntry) =>
        given.every((f) => c[f] === pyText(p[f]) || (pyText(p[f]).toLowerCase() === 'random' && c[f] !== '*'));
      return removeEntry(ctx, pyText(p.user), 'crons', pyText(p.cmd), optText(p.identifier), timeMatch);
    },
  );
}

const LIST_TAB_DOC = `
  Return the contents of the specified user's crontab

  CLI Example:

  .. code-block:: bash

      salt '*' cron.list_tab root
`;

const mod: SaltModule = {
  name: 'cron',
  virtual: () => (whichSync('crontab') ? true : [false, 'Cannot load cron module: crontab command not found']),
  functions: {
    raw_cron: defineFunction(
      {
        args: ['user'],
        doc: `
          Return the contents of the user's crontab

          CLI Example:

          .. code-block:: bash

              salt '*' cron.raw_cron root
        `,
      },
      ({ user }, ctx) => rawCron(ctx, pyText(user)),
    ),
    list_tab: defineFunction({ args: ['user'], doc: LIST_TAB_DOC }, ({ user }, ctx) => listTab(ctx, pyText(user))),
    ls: defineFunction({ args: ['user'], doc: LIST_TAB_DOC, pyName: 'list_tab' }, ({ user }, ctx) => listTab(ctx, pyText(user))),
    get_entry: defineFunction(
      {
        args: ['user', 'identifier', 'cmd'],
        defaults: { identifier: null, cmd: null },
        doc: `
          Return the specified entry from user's crontab.
          identifier will be used if specified, otherwise will lookup cmd
          Either identifier or cmd should be specified.

          CLI Example:

          .. code-block:: bash

              salt '*' cron.get_entry root identifier=task1
        `,
      },
      async ({ user, identifier, cmd }, ctx) => {
        let c = cmd;
        if (identifier && cmd) {
          ctx.log.warn('Both identifier and cmd are specified. Only using identifier.');
          c = null;
        }
        const lst = await listTab(ctx, pyText(user));
        for (const entry of [...lst.crons, ...lst.special]) {
          if (identifier && entry.identifier === pyText(identifier)) return entry;
          if (c && entry.cmd === pyText(c)) return entry;
        }
        return false;
      },
    ),
    set_special: defineFunction(
      {
        args: ['user', 'special', 'cmd', 'commented', 'comment', 'identifier'],
        defaults: { commented: false, comment: null, identifier: null },
        doc: `
          Set up a special command in the crontab.

          CLI Example:

          .. code-block:: bash

              salt '*' cron.set_special root @hourly 'echo foobar'
        `,
      },
      (p, ctx) =>
        setEntry(ctx, pyText(p.user), {
          special: pyText(p.special),
          cmd: pyText(p.cmd),
          commented: p.commented === true,
          comment: optText(p.comment),
          identifier: optText(p.identifier),
        }),
    ),
    set_job: defineFunction(
      {
        args: ['user', 'minute', 'hour', 'daymonth', 'month', 'dayweek', 'cmd', 'commented', 'comment', 'identifier'],
        defaults: { commented: false, comment: null, identifier: null },
        doc: `
          Sets a cron job up for a specified user.

          CLI Example:

          .. code-block:: bash

              salt '*' cron.set_job root '*' '*' '*' '*' 1 /usr/local/weekly
        `,
      },
      (p, ctx) =>
        setEntry(ctx, pyText(p.user), {
          time: {
            minute: pyText(p.minute).toLowerCase(),
            hour: pyText(p.hour).toLowerCase(),
            daymonth: pyText(p.daymonth).toLowerCase(),
            month: pyText(p.month).toLowerCase(),
            dayweek: pyText(p.dayweek).toLowerCase(),
          },
          cmd: pyText(p.cmd),
          commented: p.commented === true,
          comment: optText(p.comment),
          identifier: optText(p.identifier),
        }),
    ),
    rm_special: defineFunction(
      {
        args: ['user', 'cmd', 'special', 'identifier'],
        defaults: { special: null, identifier: null },
        doc: `
          Remove a special cron job for a specified user.

          CLI Example:

          .. code-block:: bash

              salt '*' cron.rm_special root /usr/bin/foo
        `,
      },
      ({ user, cmd, special, identifier }, ctx) =>
        removeEntry(ctx, pyText(user), 'special', pyText(cmd), optText(identifier), (c) => special === null || c.spec === pyText(special), true),
    ),
    rm_job: rmJobFn('rm_job'),
    rm: rmJobFn('rm_job'),
    set_env: defineFunction(
      {
        args: ['user', 'name', 'value'],
        defaults: { value: null },
        doc: `
          Set up an environment variable in the crontab.

          CLI Example:

          .. code-block:: bash

              salt '*' cron.set_env root MAILTO user@example.com
        `,
      },
      async ({ user, name, value }, ctx) => setEnv(ctx, pyText(user), pyText(name), optText(value)),
    ),
    rm_env: defineFunction(
      {
        args: ['user', 'name'],
        doc: `
          Remove cron environment variable for a specified user.

          CLI Example:

          .. code-block:: bash

              salt '*' cron.rm_env root MAILTO
        `,
      },
      ({ user, name }, ctx) => rmEnv(ctx, pyText(user), pyText(name)),
    ),
    write_cron_file: defineFunction(
      {
        args: ['user', 'path'],
        doc: `
          Writes the contents of a file to a user's crontab

          CLI Example:

          .. code-block:: bash

              salt '*' cron.write_cron_file root /tmp/new_cron
        `,
      },
      async ({ user, path }, ctx) => {
        const access = await crontabAccess(pyText(user));
        return (await runAll(ctx, ['crontab', ...access.args, pyText(path)], { runas: access.runas })).retcode === 0;
      },
    ),
    write_cron_file_verbose: defineFunction(
      {
        args: ['user', 'path'],
        doc: `
          Writes the contents of a file to a user's crontab and return error message on error

          CLI Example:

          .. code-block:: bash

              salt '*' cron.write_cron_file_verbose root /tmp/new_cron
        `,
      },
      async ({ user, path }, ctx) => {
        const access = await crontabAccess(pyText(user));
        return runAll(ctx, ['crontab', ...access.args, pyText(path)], { runas: access.runas });
      },
    ),
  },
};

async function setEnv(ctx: CallContext, user: string, name: string, value: string | null): Promise<string> {
  const lst = await listTab(ctx, user);
  for (const env of lst.env) {
    if (env.name !== name) continue;
    if (value === env.value) return 'present';
    await rmEnv(ctx, user, name);
    const jret = await setEnv(ctx, user, name, value);
    return jret === 'new' ? 'updated' : jret;
  }
  lst.env.push({ name, value });
  return commit(ctx, user, lst, 'new');
}

async function rmEnv(ctx: CallContext, user: string, name: string): Promise<string> {
  const lst = await listTab(ctx, user);
  let index = -1;
  lst.env.forEach((e, i) => {
    if (e.name === name) index = i;
  });
  let ret = 'absent';
  if (index >= 0) {
    lst.env.splice(index, 1);
    ret = 'removed';
  }
  return commit(ctx, user, lst, ret);
}

export default mod;
