import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { after, before, test } from 'node:test';
import { Loader } from '../loader/loader.js';
import { runFunction } from '../loader/run.js';

const USER = 'salt-ts-u1';
const RENAMED = 'salt-ts-u1r';
const GROUP = 'salt-ts-ug1';
const skip = process.getuid?.() !== 0 ? 'needs root to create users' : false;
const loader = new Loader({ opts: { id: 'm1' } });
const call = (fun: string, args: unknown[] = [], kwargs: Record<string, unknown> = {}) => loader.call(fun, args, kwargs);

function quiet(cmd: string, args: string[]): void {
  try {
    execFileSync(cmd, args, { stdio: 'ignore' });
  } catch {
    /* already gone */
  }
}

function cleanup(): void {
  for (const u of [USER, RENAMED]) quiet('userdel', ['-r', '-f', u]);
  quiet('groupdel', [USER]);
  quiet('groupdel', [GROUP]);
}

before(() => {
  if (!skip) cleanup();
});
after(() => {
  if (!skip) cleanup();
});

test('user.add creates a user with a home, shell and full name; user.info reads it back', { skip }, async () => {
  assert.equal(await call('user.add', [USER], { shell: '/bin/sh', fullname: 'Salt Tester', homephone: '555' }), true);
  const info = (await call('user.info', [USER])) as Record<string, unknown>;
  assert.equal(info.name, USER);
  assert.equal(info.shell, '/bin/sh');
  assert.equal(info.home, `/home/${USER}`);
  assert.equal(info.fullname, 'Salt Tester');
  assert.equal(info.homephone, '555');
  assert.equal(info.roomnumber, '');
  assert.equal(typeof info.uid, 'number');
  assert.deepEqual(info.groups, [USER]);
  assert.deepEqual(Object.keys(info), ['gid', 'groups', 'home', 'name', 'passwd', 'shell', 'uid', 'fullname', 'roomnumber', 'workphone', 'homephone', 'other']);
  assert.ok(existsSync(`/home/${USER}`));
  assert.equal(await call('user.add', [USER]), false, 'adding an existing user fails');
  assert.ok(((await call('user.list_users')) as string[]).includes(USER));
  assert.ok(((await call('user.getent')) as Array<{ name: string }>).some((u) => u.name === USER));
  assert.equal(await call('user.primary_group', [USER]), USER);
});

test('user.chshell, chhome (persist), chuid, chfullname change the user and report success', { skip }, async () => {
  assert.equal(await call('user.chshell', [USER, '/bin/bash']), true);
  assert.equal(((await call('user.info', [USER])) as { shell: string }).shell, '/bin/bash');
  assert.equal(await call('user.chhome', [USER, `/home/${USER}-moved`], { persist: true }), true);
  assert.ok(existsSync(`/home/${USER}-moved`) && !existsSync(`/home/${USER}`), 'persist moves the files');
  assert.equal(await call('user.chuid', [USER, 45123]), true);
  assert.equal(((await call('user.info', [USER])) as { uid: number }).uid, 45123);
  assert.equal(await call('user.chfullname', [USER, 'Other Name']), true);
  assert.equal(((await call('user.info', [USER])) as { fullname: string; homephone: string }).homephone, '555', 'other GECOS fields stay');
  await assert.rejects(call('user.chshell', ['salt-ts-nobody', '/bin/sh']), /User 'salt-ts-nobody' does not exist/);
});

test('user.chgroups replaces or appends supplementary groups; user.list_groups lists them', { skip }, async () => {
  execFileSync('groupadd', [GROUP]);
  assert.equal(await call('user.chgroups', [USER, GROUP]), true);
  assert.deepEqual(await call('user.list_groups', [USER]), [USER, GROUP].sort());
  assert.equal(await call('user.chgroups', [USER, 'daemon'], { append: true }), true);
  assert.deepEqual(await call('user.list_groups', [USER]), ['daemon', USER, GROUP].sort());
  assert.equal(await call('user.chgroups', [USER, 'daemon']), true);
  assert.deepEqual(await call('user.list_groups', [USER]), ['daemon', USER].sort());
});

test('user.rename renames, refusing a name in use; user.delete removes it', { skip }, async () => {
  const r = await runFunction(loader, 'user.rename', [USER, 'root']);
  assert.equal(r.retcode, 1);
  assert.equal(r.return, "ERROR: User 'root' already exists");
  assert.equal(await call('user.rename', [USER, RENAMED]), true);
  assert.deepEqual(await call('user.info', [USER]), {});
  assert.equal(((await call('user.info', [RENAMED])) as { name: string }).name, RENAMED);
  assert.equal(await call('user.delete', [RENAMED], { remove: true, force: true }), true);
  assert.deepEqual(await call('user.info', [RENAMED]), {});
  assert.equal(await call('user.delete', [RENAMED]), false, 'deleting a missing user fails');
});
