/**
 * Salt's `user` execution module on Linux (Salt's file: useradd.py): create, change and delete
 * local users with the shadow-utils programs (useradd, usermod, userdel) and read them from
 * `/etc/passwd` and `/etc/group`.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { defineFunction } from '../loader/define.js';
import { CommandExecutionError } from '../loader/errors.js';
import type { CallContext, SaltModule } from '../loader/types.js';
import { pyText, readGroups, readPasswd, requireProgram, retcode, run, runAll, type PasswdRecord } from './_syscmd.js';

/** What `user.info` returns for a user. */
export interface UserInfo {
  gid: number;
  groups: string[];
  home: string;
  name: string;
  passwd: string;
  shell: string;
  uid: number;
  fullname: string;
  roomnumber: string;
  workphone: string;
  homephone: string;
  other: string;
}

type Gecos = Pick<UserInfo, 'fullname' | 'roomnumber' | 'workphone' | 'homephone' | 'other'>;
const GECOS_KEYS = ['fullname', 'roomnumber', 'workphone', 'homephone', 'other'] as const;

function passwdFile(root?: string): string {
  return join(root ?? '/', 'etc/passwd');
}

function parseGecos(gecos: string): Gecos {
  const f = gecos.split(',');
  // Salt splits at most 4 times: the fifth field keeps any further commas.
  const fields = [...f.slice(0, 4), f.slice(4).join(',')];
  while (fields.length < 5) fields.push('');
  return { fullname: fields[0], roomnumber: fields[1] ?? '', workphone: fields[2] ?? '', homephone: fields[3] ?? '', other: fields[4] ?? '' };
}

function buildGecos(g: Gecos): string {
  return `${g.fullname},${g.roomnumber},${g.workphone},${g.homephone},${g.other}`.replace(/,+$/, '');
}

/** The sorted names of every group the user belongs to, its primary group included. */
export async function listGroups(name: string): Promise<string[]> {
  const user = (await readPasswd()).find((u) => u.name === name);
  const groups = await readGroups();
  const ret = new Set<string>();
  for (const g of groups) {
    if (g.members.includes(name) || (user && g.gid === user.gid)) ret.add(g.name);
  }
  return [...ret].sort();
}

async function formatInfo(u: PasswdRecord): Promise<UserInfo> {
  return { gid: u.gid, groups: await listGroups(u.name), home: u.home, name: u.name, passwd: u.passwd, shell: u.shell, uid: u.uid, ...parseGecos(u.gecos) };
}

async function info(name: string, root?: string): Promise<UserInfo | Record<string, never>> {
  const u = (await readPasswd(passwdFile(root))).find((x) => x.name === name);
  return u ? formatInfo(u) : {};
}

function withRoot(cmd: string[], root: unknown): string[] {
  if (root !== null && root !== undefined) cmd.push('-R', pyText(root));
  return cmd;
}

async function chattrib(ctx: CallContext, name: string, key: keyof UserInfo, value: unknown, param: string, persist: boolean, root: unknown): Promise<boolean> {
  const r = root === null || root === undefined ? undefined : pyText(root);
  const pre = (await info(name, r)) as Partial<UserInfo>;
  if (!pre.name) throw new CommandExecutionError(`User '${name}' does not exist`);
  if (sameValue(pre[key], value)) return true;
  const cmd = withRoot([await requireProgram('usermod')], root);
  if (persist) cmd.push('-m');
  cmd.push(param, pyText(value), name);
  await run(ctx, cmd);
  const lookup = key === 'name' ? pyText(value) : name;
  return sameValue(((await info(lookup, r)) as Partial<UserInfo>)[key], value);
}

/** Salt compares uid/gid as given (an int from the CLI), so "1001" and 1001 match here too. */
function sameValue(a: unknown, b: unknown): boolean {
  if (typeof a === 'number') return a === Number(b) && String(b).trim() !== '';
  return a === b;
}

async function updateGecos(ctx: CallContext, name: string, key: keyof Gecos, value: unknown, root: unknown): Promise<boolean> {
  const text = value === null || value === undefined ? '' : pyText(value);
  const r = root === null || root === undefined ? undefined : pyText(root);
  const pre = (await info(name, r)) as Partial<UserInfo>;
  if (!pre.name) return false;
  const gecos = parseGecos(buildGecos(pre as Gecos));
  if (gecos[key] === text) return true;
  gecos[key] = text;
  const cmd = [await requireProgram('usermod')];
  if (r !== undefined) cmd.push('-R', r);
  cmd.push('-c', buildGecos(gecos), name);
  await run(ctx, cmd);
  return ((await info(name, r)) as Partial<UserInfo>)[key] === text;
}

async function chgroups(ctx: CallContext, name: string, groupsArg: unknown, append: boolean, root: unknown): Promise<boolean> {
  const groups = Array.isArray(groupsArg) ? groupsArg.map(pyText) : pyText(groupsArg).split(',');
  const current = new Set(await listGroups(name));
  if (current.size === groups.length && groups.every((g) => current.has(g))) return true;
  const cmd = [await requireProgram('usermod')];
  if (append) cmd.push('-a');
  cmd.push('-G', groups.join(','), name);
  withRoot(cmd, root);
  const result = await runAll(ctx, cmd);
  if (result.retcode !== 0 && result.stderr.includes('not found in')) {
    let ok = true;
    for (const g of groups) if ((await retcode(ctx, ['gpasswd', '-a', name, g])) !== 0) ok = false;
    return ok;
  }
  return result.retcode === 0;
}

const gecosFn = (key: keyof Gecos, doc: string) =>
  defineFunction({ args: ['name', key, 'root'], defaults: { root: null }, doc }, (p, ctx) =>
    updateGecos(ctx, pyText(p.name), key, (p as Record<string, unknown>)[key], p.root),
  );

const attrFn = (key: keyof UserInfo, param: string, doc: string) =>
  defineFunction({ args: ['name', key, 'root'], defaults: { root: null }, doc }, (p, ctx) =>
    chattrib(ctx, pyText(p.name), key, (p as Record<string, unknown>)[key], param, false, p.root),
  );

const mod: SaltModule = {
  name: 'useradd',
  virtualName: 'user',
  virtual: ({ grains }) => {
    const kernel = grains.kernel ?? process.platform;
    if (['Linux', 'linux', 'OpenBSD', 'NetBSD', 'AIX'].includes(String(kernel))) return 'user';
    return [false, 'useradd execution module not loaded: either pwd python library not available or system not one of Linux, OpenBSD, NetBSD or AIX'];
  },
  functions: {
    add: defineFunction(
      {
        args: [
          'name', 'uid', 'gid', 'groups', 'home', 'shell', 'unique', 'system', 'fullname', 'roomnumber', 'workphone',
          'homephone', 'other', 'createhome', 'loginclass', 'nologinit', 'root', 'usergroup',
        ],
        defaults: {
          uid: null, gid: null, groups: null, home: null, shell: null, unique: true, system: false, fullname: '',
          roomnumber: '', workphone: '', homephone: '', other: '', createhome: true, loginclass: null, nologinit: false,
          root: null, usergroup: null,
        },
        doc: `
          Add a user to the minion

          name
              Username LOGIN to add

          uid
              User ID of the new account

          gid
              Name or ID of the primary group of the new account

          groups
              List of supplementary groups of the new account

          home
              Home directory of the new account

          shell
              Login shell of the new account

          unique
              If not True, the user account can have a non-unique UID

          system
              Create a system account

          fullname
              GECOS field for the full name

          createhome
              Create the home directory

          nologinit
              Do not add the user to the lastlog and faillog databases

          root
              Directory to chroot into

          usergroup
              Create and add the user to a new primary group of the same name

          CLI Example:

          .. code-block:: bash

              salt '*' user.add name <uid> <gid> <groups> <home> <shell>
        `,
      },
      async (p, ctx) => {
        const name = pyText(p.name);
        const cmd = [await requireProgram('useradd')];
        if (p.shell) cmd.push('-s', pyText(p.shell));
        if (p.uid !== null && p.uid !== '') cmd.push('-u', pyText(p.uid));
        const groupList = p.groups === null ? null : Array.isArray(p.groups) ? p.groups.map(pyText) : pyText(p.groups).split(',');
        if (p.gid !== null && p.gid !== '') cmd.push('-g', pyText(p.gid));
        else if (p.usergroup) cmd.push('-U');
        else if (groupList && groupList.includes(name)) {
          try {
            const defs = await readFile('/etc/login.defs', 'utf8');
            const line = defs.split('\n').find((l) => l.slice(0, 15).includes('USERGROUPS_ENAB'));
            if (line && line.includes('yes')) {
              const g = (await readGroups()).find((x) => x.name === name);
              if (g) cmd.push('-g', String(g.gid));
            }
          } catch {
            ctx.log.debug('Error reading /etc/login.defs');
          }
        }
        if (p.usergroup === false) cmd.push('-N');
        cmd.push(p.createhome ? '-m' : '-M');
        if (p.nologinit) cmd.push('-l');
        if (p.home !== null) cmd.push('-d', pyText(p.home));
        if (!p.unique) cmd.push('-o');
        if (p.system) cmd.push('-r');
        cmd.push(name);
        withRoot(cmd, p.root);
        const ret = await runAll(ctx, cmd);
        if (ret.retcode !== 0) return false;
        if (groupList && groupList.length) await chgroups(ctx, name, groupList, false, p.root);
        for (const key of GECOS_KEYS) {
          const v = (p as Record<string, unknown>)[key];
          if (v) await updateGecos(ctx, name, key, v, p.root);
        }
        return true;
      },
    ),

    delete: defineFunction(
      {
        args: ['name', 'remove', 'force', 'root'],
        defaults: { remove: false, force: false, root: null },
        doc: `
          Remove a user from the minion

          name
              Username to delete

          remove
              Remove home directory and mail spool

          force
              Force some actions that would fail otherwise

          root
              Directory to chroot into

          CLI Example:

          .. code-block:: bash

              salt '*' user.delete name remove=True force=True
        `,
      },
      async ({ name, remove, force, root }, ctx) => {
        const cmd = [await requireProgram('userdel')];
        if (remove) cmd.push('-r');
        if (force) cmd.push('-f');
        cmd.push(pyText(name));
        withRoot(cmd, root);
        const ret = await runAll(ctx, cmd);
        if (ret.retcode === 0) return true;
        // userdel exits 12 on Debian when the mail spool is missing: the user is gone all the same.
        if (ret.retcode === 12 && (ctx.grains.os_family ?? 'Debian') === 'Debian') {
          if (ret.stderr.includes('var/mail') || ret.stderr.includes('var/spool/mail')) return true;
        }
        return false;
      },
    ),

    getent: defineFunction(
      {
        args: ['refresh', 'root'],
        defaults: { refresh: false, root: null },
        doc: `
          Return the list of all info for all users

          CLI Example:

          .. code-block:: bash

              salt '*' user.getent
        `,
      },
      async ({ refresh, root }, ctx) => {
        if (ctx.context['user.getent'] && !refresh) return ctx.context['user.getent'];
        const all = await readPasswd(passwdFile(root === null ? undefined : pyText(root)));
        const ret = [];
        for (const u of all) ret.push(await formatInfo(u));
        ctx.context['user.getent'] = ret;
        return ret;
      },
    ),

    info: defineFunction(
      {
        args: ['name', 'root'],
        defaults: { root: null },
        doc: `
          Return user information

          name
              User to get the information

          root
              Directory to chroot into

          CLI Example:

          .. code-block:: bash

              salt '*' user.info root
        `,
      },
      ({ name, root }) => info(pyText(name), root === null ? undefined : pyText(root)),
    ),

    list_groups: defineFunction(
      {
        args: ['name'],
        doc: `
          Return a list of groups the named user belongs to

          name
              User to get the information

          CLI Example:

          .. code-block:: bash

              salt '*' user.list_groups foo
        `,
      },
      ({ name }) => listGroups(pyText(name)),
    ),

    list_users: defineFunction(
      {
        args: ['root'],
        defaults: { root: null },
        doc: `
          Return a list of all users

          root
              Directory to chroot into

          CLI Example:

          .. code-block:: bash

              salt '*' user.list_users
        `,
      },
      async ({ root }) => (await readPasswd(passwdFile(root === null ? undefined : pyText(root)))).map((u) => u.name).sort(),
    ),

    primary_group: defineFunction(
      {
        args: ['name'],
        doc: `
          Return the primary group of the named user

          CLI Example:

          .. code-block:: bash

              salt '*' user.primary_group saltadmin
        `,
      },
      ({ name }, ctx) => run(ctx, ['id', '-g', '-n', pyText(name)]),
    ),

    chuid: attrFn('uid', '-u', `
      Change the uid for a named user

      CLI Example:

      .. code-block:: bash

          salt '*' user.chuid foo 4376
    `),
    chgid: attrFn('gid', '-g', `
      Change the default group of the user

      CLI Example:

      .. code-block:: bash

          salt '*' user.chgid foo 4376
    `),
    chshell: attrFn('shell', '-s', `
      Change the default shell of the user

      CLI Example:

      .. code-block:: bash

          salt '*' user.chshell foo /bin/zsh
    `),
    chhome: defineFunction(
      {
        args: ['name', 'home', 'persist', 'root'],
        defaults: { persist: false, root: null },
        doc: `
          Change the home directory of the user, pass True for persist to move files
          to the new home directory if the old home directory exist.

          CLI Example:

          .. code-block:: bash

              salt '*' user.chhome foo /home/users/foo True
        `,
      },
      ({ name, home, persist, root }, ctx) => chattrib(ctx, pyText(name), 'home', home, '-d', !!persist, root),
    ),
    chgroups: defineFunction(
      {
        args: ['name', 'groups', 'append', 'root'],
        defaults: { append: false, root: null },
        doc: `
          Change the groups to which this user belongs

          name
              User to modify

          groups
              Groups to set for the user

          append : False
              If \`\`True\`\`, append the specified group(s). Otherwise, this function
              will replace the user's groups with the specified group(s).

          CLI Examples:

          .. code-block:: bash

              salt '*' user.chgroups foo wheel,root
              salt '*' user.chgroups foo wheel,root append=True
        `,
      },
      ({ name, groups, append, root }, ctx) => chgroups(ctx, pyText(name), groups, !!append, root),
    ),
    chfullname: gecosFn('fullname', `
      Change the user's Full Name

      CLI Example:

      .. code-block:: bash

          salt '*' user.chfullname foo "Foo Bar"
    `),
    chroomnumber: gecosFn('roomnumber', `
      Change the user's Room Number

      CLI Example:

      .. code-block:: bash

          salt '*' user.chroomnumber foo 123
    `),
    chworkphone: gecosFn('workphone', `
      Change the user's Work Phone

      CLI Example:

      .. code-block:: bash

          salt '*' user.chworkphone foo 7735550123
    `),
    chhomephone: gecosFn('homephone', `
      Change the user's Home Phone

      CLI Example:

      .. code-block:: bash

          salt '*' user.chhomephone foo 7735551234
    `),
    chother: gecosFn('other', `
      Change the user's other GECOS attribute

      CLI Example:

      .. code-block:: bash

          salt '*' user.chother foobar
    `),
    rename: defineFunction(
      {
        args: ['name', 'new_name', 'root'],
        defaults: { root: null },
        doc: `
          Change the username for a named user

          CLI Example:

          .. code-block:: bash

              salt '*' user.rename name new_name
        `,
      },
      async ({ name, new_name, root }, ctx) => {
        const target = pyText(new_name);
        if (((await info(target, root === null ? undefined : pyText(root))) as Partial<UserInfo>).name) {
          throw new CommandExecutionError(`User '${target}' already exists`);
        }
        return chattrib(ctx, pyText(name), 'name', target, '-l', false, root);
      },
    ),
  },
};

export default mod;
