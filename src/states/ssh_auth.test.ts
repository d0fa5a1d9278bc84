import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync, rmSync, statSync } from 'node:fs';
import { test } from 'node:test';
import { applyStates } from '../state/apply.js';
import { caseFiles, caseLoader } from '../state/_replay.js';
import { whichSync } from '../modules/_syscmd.js';

const USER = 'saltts-sshuser';
const HOME = `/tmp/${USER}-home`;
const KEYS = `${HOME}/.ssh/authorized_keys`;
const skip = process.getuid?.() !== 0 || !whichSync('useradd') ? 'needs root to create a test user' : false;

async function apply(sls: string, test = false): Promise<Record<string, any>> {
  const out = await applyStates({ mods: ['main'], test, fileClient: caseFiles({ base: { 'main.sls': sls } }), caller: caseLoader().makeContext() });
  assert.ok('states' in out, JSON.stringify(out));
  return out.states as Record<string, any>;
}

function cleanup(): void {
  try {
    execFileSync('userdel', [USER], { stdio: 'ignore' });
  } catch {
    /* not there */
  }
  rmSync(HOME, { recursive: true, force: true });
}

test('ssh_auth.present adds a key once, updates its comment, ssh_auth.absent removes it', { skip }, async () => {
  cleanup();
  try {
    execFileSync('useradd', ['-m', '-d', HOME, USER], { stdio: 'ignore' });
    const key = randomBytes(51).toString('base64');
    const sls = (comment: string) => `k:\n  ssh_auth.present:\n    - name: ssh-ed25519 ${key} ${comment}\n    - user: ${USER}\n`;
    const tag = `ssh_auth_|-k_|-ssh-ed25519 ${key} me@host_|-present`;
    const dry = (await apply(sls('me@host'), true))[tag];
    assert.deepEqual([dry.result, dry.comment], [null, `Key ${key} for user ${USER} is set to be added`]);

    const first = (await apply(sls('me@host')))[tag];
    assert.deepEqual([first.result, first.comment, first.changes], [true, `The authorized host key ${key} for user ${USER} was added`, { [key]: 'New' }]);
    assert.equal(readFileSync(KEYS, 'utf8'), `ssh-ed25519 ${key} me@host\n`);
    assert.equal(statSync(KEYS).mode & 0o777, 0o600);
    assert.equal(statSync(`${HOME}/.ssh`).mode & 0o777, 0o700);

    const second = (await apply(sls('me@host')))[tag];
    assert.deepEqual([second.result, second.comment, second.changes], [true, `The authorized host key ${key} is already present for user ${USER}`, {}]);
    const dryExists = (await apply(sls('me@host'), true))[tag];
    assert.deepEqual([dryExists.result, dryExists.comment], [true, `The authorized host key ${key} is already present for user ${USER}`]);

    const tag2 = `ssh_auth_|-k_|-ssh-ed25519 ${key} other@host_|-present`;
    assert.equal((await apply(sls('other@host'), true))[tag2].comment, `Key ${key} for user ${USER} is set to be updated`);
    const updated = (await apply(sls('other@host')))[tag2];
    assert.deepEqual([updated.comment, updated.changes], [`The authorized host key ${key} for user ${USER} was updated`, { [key]: 'Updated' }]);
    assert.equal(readFileSync(KEYS, 'utf8'), `ssh-ed25519 ${key} other@host\n`);

    const absent = `k:\n  ssh_auth.absent:\n    - name: ${key}\n    - user: ${USER}\n`;
    const atag = `ssh_auth_|-k_|-${key}_|-absent`;
    const dryAbsent = (await apply(absent, true))[atag];
    assert.deepEqual([dryAbsent.result, dryAbsent.comment], [null, `Key ${key} for user ${USER} is set for removal`]);
    const removed = (await apply(absent))[atag];
    assert.deepEqual([removed.result, removed.comment, removed.changes], [true, 'Key removed', { [key]: 'Removed' }]);
    assert.equal(readFileSync(KEYS, 'utf8'), '');
    const again = (await apply(absent))[atag];
    assert.deepEqual([again.result, again.comment, again.changes], [true, 'Key not present', {}]);
  } finally {
    cleanup();
  }
});

test('ssh_auth.present rejects a key that is not base64', { skip }, async () => {
  const r = (await apply('k:\n  ssh_auth.present:\n    - name: not*base64\n    - user: root\n'))['ssh_auth_|-k_|-not*base64_|-present'];
  assert.deepEqual([r.result, r.comment], [false, 'Invalid public ssh key, most likely has spaces or invalid syntax']);
});
