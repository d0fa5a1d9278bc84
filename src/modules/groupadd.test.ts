import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { after, before, test } from 'node:test';
import { Loader } from '../loader/loader.js';

const GROUP = 'salt-ts-g1';
const MEMBER = 'salt-ts-gm1';
const skip = process.getuid?.() !== 0 ? 'needs root to create groups' : false;
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
  quiet('userdel', ['-r', '-f', MEMBER]);
  quiet('groupdel', [MEMBER]);
  quiet('groupdel', [GROUP]);
}

before(() => {
  if (skip) return;
  cleanup();
  execFileSync('useradd', ['-M', MEMBER]);
});
after(() => {
  if (!skip) cleanup();
});

test('group.add creates a group with a gid; group.info and getent read it', { skip }, async () => {
  assert.equal(await call('group.add', [GROUP, 45321]), true);
  assert.deepEqual(await call('group.info', [GROUP]), { name: GROUP, passwd: 'x', gid: 45321, members: [] });
  assert.equal(await call('group.add', [GROUP]), false, 'adding an existing group fails');
  assert.ok(((await call('group.getent', [], { refresh: true })) as Array<{ name: string }>).some((g) => g.name === GROUP));
  assert.deepEqual(await call('group.info', ['salt-ts-no-such-group']), {});
});

test('group.adduser, members and deluser manage the member list', { skip }, async () => {
  assert.equal(await call('group.adduser', [GROUP, MEMBER]), true);
  assert.deepEqual(((await call('group.info', [GROUP])) as { members: string[] }).members, [MEMBER]);
  assert.equal(await call('group.deluser', [GROUP, MEMBER]), true);
  assert.deepEqual(((await call('group.info', [GROUP])) as { members: string[] }).members, []);
  assert.equal(await call('group.deluser', [GROUP, MEMBER]), true, 'removing a non-member is a success');
  assert.equal(await call('group.members', [GROUP, `${MEMBER},root`]), true);
  assert.deepEqual(((await call('group.info', [GROUP])) as { members: string[] }).members, [MEMBER, 'root']);
});

test('group.chgid changes the gid; group.delete removes the group', { skip }, async () => {
  assert.equal(await call('group.chgid', [GROUP, 45322]), true);
  assert.equal(((await call('group.info', [GROUP])) as { gid: number }).gid, 45322);
  assert.equal(await call('group.chgid', [GROUP, 45322]), true, 'unchanged gid is a success');
  assert.equal(await call('group.chgid', ['salt-ts-no-such-group', 1]), false);
  assert.equal(await call('group.delete', [GROUP]), true);
  assert.deepEqual(await call('group.info', [GROUP]), {});
  assert.equal(await call('group.delete', [GROUP]), false);
});
