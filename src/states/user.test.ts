import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { test } from 'node:test';
import { applyStates } from '../state/apply.js';
import { caseFiles, caseLoader } from '../state/_replay.js';
import { whichSync } from '../modules/_syscmd.js';

const USER = 'saltts-stuser';
const G1 = 'saltts-stg1';
const G2 = 'saltts-stg2';
const HOME = `/tmp/${USER}-home`;
const skip = process.getuid?.() !== 0 || !whichSync('useradd') || !whichSync('groupadd') ? 'needs root and the shadow-utils programs' : false;

async function apply(sls: string, test = false): Promise<Record<string, any>> {
  const out = await applyStates({ mods: ['main'], test, fileClient: caseFiles({ base: { 'main.sls': sls } }), caller: caseLoader().makeContext() });
  assert.ok('states' in out, JSON.stringify(out));
  return out.states as Record<string, any>;
}

function quietly(cmd: string, args: string[]): void {
  try {
    execFileSync(cmd, args, { stdio: 'ignore' });
  } catch {
    /* already gone */
  }
}

function cleanup(): void {
  quietly('userdel', ['-r', USER]);
  quietly('groupdel', [USER]);
  quietly('groupdel', [G1]);
  quietly('groupdel', [G2]);
  rmSync(HOME, { recursive: true, force: true });
}

test('user.present creates a user with groups, shell, home and password, then changes only what differs', { skip }, async () => {
  cleanup();
  try {
    const groups = `${G1}:\n  group.present: []\n${G2}:\n  group.present: []\n`;
    const hash = '$6$saltsalt$7Ptn3AdjT9bvtUpBQkEgBkXt3j6RVQmWo1CuZ8YqU4N7lqSQZO0dI0PC7uR3iY8k4BX4I3gOoZu8Fj3.yK4y1/';
    const sls = (shell: string, gs: string[]) =>
      `${groups}u:\n  user.present:\n    - name: ${USER}\n    - uid: 47320\n    - home: ${HOME}\n    - shell: ${shell}\n    - fullname: Salt Tester\n    - password: '${hash}'\n    - groups: [${gs.join(', ')}]\n    - require:\n      - group: ${G1}\n      - group: ${G2}\n`;
    const tag = `user_|-u_|-${USER}_|-present`;
    const noGroups = (await apply(sls('/bin/sh', [G1]), true))[tag];
    assert.deepEqual([noGroups.result, noGroups.comment], [false, `The following group(s) are not present: ${G1}`], 'test mode does not pretend groups exist');
    await apply(groups);
    const dry = (await apply(sls('/bin/sh', [G1]), true))[tag];
    assert.deepEqual([dry.result, dry.comment], [null, `User ${USER} set to be added`]);

    const first = (await apply(sls('/bin/sh', [G1])))[tag];
    assert.equal(first.result, true, first.comment);
    assert.equal(first.comment, `New user ${USER} created`);
    assert.equal(first.changes.uid, 47320);
    assert.equal(first.changes.home, HOME);
    assert.equal(first.changes.shell, '/bin/sh');
    assert.equal(first.changes.fullname, 'Salt Tester');
    assert.equal(first.changes.password, 'XXX-REDACTED-XXX');
    assert.deepEqual(first.changes.groups, [G1, USER].sort());
    assert.ok(existsSync(HOME));
    assert.ok(readFileSync('/etc/shadow', 'utf8').includes(`${USER}:${hash}:`));

    const second = (await apply(sls('/bin/sh', [G1])))[tag];
    assert.deepEqual([second.result, second.comment, second.changes], [true, `User ${USER} is present and up to date`, {}]);

    const dryChange = (await apply(sls('/bin/bash', [G1, G2]), true))[tag];
    assert.equal(dryChange.result, null);
    assert.equal(dryChange.comment, `The following user attributes are set to be changed:\ngroups: ['${G1}', '${G2}']\nshell: /bin/bash\n`);

    const changed = (await apply(sls('/bin/bash', [G1, G2])))[tag];
    assert.equal(changed.result, true, changed.comment);
    assert.equal(changed.comment, `Updated user ${USER}`);
    assert.deepEqual(changed.changes, { groups: [G1, G2, USER].sort(), shell: '/bin/bash' });

    const uidChange = (await apply(sls('/bin/bash', [G1, G2]).replace('uid: 47320', 'uid: 47321')))[tag];
    assert.equal(uidChange.result, false);
    assert.match(uidChange.comment, /Changing uid \(47320 -> 47321\) not permitted, set allow_uid_change to True/);

    const absent = `u:\n  user.absent:\n    - name: ${USER}\n    - purge: true\n`;
    const atag = `user_|-u_|-${USER}_|-absent`;
    assert.equal((await apply(absent, true))[atag].comment, `User ${USER} set for removal`);
    const removed = (await apply(absent))[atag];
    assert.equal(removed.result, true);
    assert.equal(removed.comment, `Removed user ${USER}`);
    assert.deepEqual(removed.changes, { [`${USER} group`]: 'removed', [USER]: 'removed' });
    assert.equal((await apply(absent))[atag].comment, `User ${USER} is not present`);
  } finally {
    cleanup();
  }
});

test('user.present fails when a listed group does not exist', async () => {
  const r = (await apply('u:\n  user.present:\n    - name: saltts-nobody\n    - groups: [saltts-no-such-group]\n'))['user_|-u_|-saltts-nobody_|-present'];
  assert.deepEqual([r.result, r.comment], [false, 'The following group(s) are not present: saltts-no-such-group']);
});
