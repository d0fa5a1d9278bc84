/**
 * Salt's `group` execution module on Linux (Salt's file: groupadd.py): create, change and delete
 * local groups with groupadd/groupmod/groupdel and gpasswd, read them from `/etc/group`.
 */
import { join } from 'node:path';
import { defineFunction } from '../loader/define.js';
import type { CallContext, SaltModule } from '../loader/types.js';
import { pyText, readGroups, requireProgram, retcode, run, runAll, type GroupRecord } from './_syscmd.js';

/** What `group.info` returns for a group. */
export interface GroupInfo {
  name: string;
  passwd: string;
  gid: number;
  members: string[];
}

function groupFile(root: unknown): string {
  return join(root === null || root === undefined ? '/' : pyText(root), 'etc/group');
}

function formatInfo(g: GroupRecord): GroupInfo {
  return { name: g.name, passwd: g.passwd, gid: g.gid, members: g.members };
}

async function info(name: string, root?: unknown): Promise<GroupInfo | Record<string, never>> {
  const g = (await readGroups(groupFile(root))).find((x) => x.name === name);
  return g ? formatInfo(g) : {};
}

function withRoot(cmd: string[], root: unknown, flag = '-R'): string[] {
  if (root !== null && root !== undefined) cmd.push(flag, pyText(root));
  return cmd;
}

async function gpasswd(ctx: CallContext, args: string[], root: unknown): Promise<boolean> {
  const cmd = withRoot([await requireProgram('gpasswd'), ...args], root, '--root');
  return (await retcode(ctx, cmd)) === 0;
}

const mod: SaltModule = {
  name: 'groupadd',
  virtualName: 'group',
  virtual: ({ grains }) => {
    const kernel = String(grains.kernel ?? process.platform);
    if (['Linux', 'linux', 'OpenBSD', 'NetBSD'].includes(kernel)) return 'group';
    return [false, 'The groupadd execution module cannot be loaded:  only available on Linux, OpenBSD and NetBSD'];
  },
  functions: {
    add: defineFunction(
      {
        args: ['name', 'gid', 'system', 'root', 'non_unique'],
        defaults: { gid: null, system: false, root: null, non_unique: false },
        doc: `
          Add the specified group

          name
              Name of the new group

          gid
              Use GID for the new group

          system
              Create a system account

          root
              Directory to chroot into

          non_unique
              Allow creating groups with duplicate (non-unique) GIDs

          CLI Example:

          .. code-block:: bash

              salt '*' group.add foo 3456
        `,
      },
      async ({ name, gid, system, root, non_unique }, ctx) => {
        const cmd = [await requireProgram('groupadd')];
        if (gid) {
          cmd.push('-g', pyText(gid));
          if (non_unique) cmd.push('-o');
        }
        if (system) cmd.push('-r');
        withRoot(cmd, root);
        cmd.push(pyText(name));
        return (await runAll(ctx, cmd)).retcode === 0;
      },
    ),

    delete: defineFunction(
      {
        args: ['name', 'root'],
        defaults: { root: null },
        doc: `
          Remove the named group

          name
              Name group to delete

          root
              Directory to chroot into

          CLI Example:

          .. code-block:: bash

              salt '*' group.delete foo
        `,
      },
      async ({ name, root }, ctx) => {
        const cmd = withRoot([await requireProgram('groupdel')], root);
        cmd.push(pyText(name));
        return (await runAll(ctx, cmd)).retcode === 0;
      },
    ),

    info: defineFunction(
      {
        args: ['name', 'root'],
        defaults: { root: null },
        doc: `
          Return information about a group

          name
              Name of the group

          root
              Directory to chroot into

          CLI Example:

          .. code-block:: bash

              salt '*' group.info foo
        `,
      },
      ({ name, root }) => info(pyText(name), root),
    ),

    getent: defineFunction(
      {
        args: ['refresh', 'root'],
        defaults: { refresh: false, root: null },
        doc: `
          Return info on all groups

          refresh
              Force a refresh of group information

          root
              Directory to chroot into

          CLI Example:

          .. code-block:: bash

              salt '*' group.getent
        `,
      },
      async ({ refresh, root }, ctx) => {
        if (ctx.context['group.getent'] && !refresh) return ctx.context['group.getent'];
        const ret = (await readGroups(groupFile(root))).map(formatInfo);
        ctx.context['group.getent'] = ret;
        return ret;
      },
    ),

    chgid: defineFunction(
      {
        args: ['name', 'gid', 'root', 'non_unique'],
        defaults: { root: null, non_unique: false },
        doc: `
          Change the gid for a named group

          name
              Name of the group to modify

          gid
              Change the group ID to GID

          root
              Directory to chroot into

          non_unique
              Allow modifying groups with duplicate (non-unique) GIDs

          CLI Example:

          .. code-block:: bash

              salt '*' group.chgid foo 4376
        `,
      },
      async ({ name, gid, root, non_unique }, ctx) => {
        const n = pyText(name);
        const pre = (await info(n, root)) as Partial<GroupInfo>;
        if (!pre.name) return false;
        if (pre.gid === Number(gid)) return true;
        const cmd = withRoot([await requireProgram('groupmod')], root);
        cmd.push(non_unique ? '-og' : '-g', pyText(gid), n);
        await run(ctx, cmd);
        return ((await info(n, root)) as Partial<GroupInfo>).gid === Number(gid);
      },
    ),

    adduser: defineFunction(
      {
        args: ['name', 'username', 'root'],
        defaults: { root: null },
        doc: `
          Add a user in the group.

          name
              Name of the group to modify

          username
              Username to add to the group

          root
              Directory to chroot into

          CLI Example:

          .. code-block:: bash

               salt '*' group.adduser foo bar

          Verifies if a valid username 'bar' as a member of an existing group 'foo',
          if not then adds it.
        `,
      },
      ({ name, username, root }, ctx) => gpasswd(ctx, ['--add', pyText(username), pyText(name)], root),
    ),

    deluser: defineFunction(
      {
        args: ['name', 'username', 'root'],
        defaults: { root: null },
        doc: `
          Remove a user from the group.

          name
              Name of the group to modify

          username
              Username to delete from the group

          root
              Directory to chroot into

          CLI Example:

          .. code-block:: bash

               salt '*' group.deluser foo bar

          Removes a member user 'bar' from a group 'foo'. If group is not present
          then returns True.
        `,
      },
      async ({ name, username, root }, ctx) => {
        const g = (await info(pyText(name), root)) as Partial<GroupInfo>;
        if (!g.members || !g.members.includes(pyText(username))) return true;
        return gpasswd(ctx, ['--del', pyText(username), pyText(name)], root);
      },
    ),

    members: defineFunction(
      {
        args: ['name', 'members_list', 'root'],
        defaults: { root: null },
        doc: `
          Replaces members of the group with a provided list.

          name
              Name of the group to modify

          members_list
              Username list to set into the group

          root
              Directory to chroot into

          CLI Example:

          .. code-block:: bash

              salt '*' group.members foo 'user1,user2,user3,...'

          Replaces a membership list for a local group 'foo'.
              foo:x:1234:user1,user2,user3,...
        `,
      },
      ({ name, members_list, root }, ctx) => {
        const list = Array.isArray(members_list) ? members_list.map(pyText).join(',') : pyText(members_list);
        return gpasswd(ctx, ['--members', list, pyText(name)], root);
      },
    ),
  },
};

export default mod;
