import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { applyStates } from '../state/apply.js';
import { caseFiles, caseLoader } from '../state/_replay.js';
import { whichSync } from '../modules/_syscmd.js';

const G1 = 'saltts-stgrp1';
const skip = process.getuid?.() !== 0 || !whichSync('groupadd') ? 'needs root and the shadow-utils programs' : false;

async function apply(sls: string, test = false): Promise<Record<string, any>> {
  const out = await applyStates({ mods: ['main'], test, fileClient: caseFiles({ base: { 'main.sls': sls } }), caller: caseLoader().makeContext() });
  assert.ok('states' in out, JSON.stringify(out));
  return out.states as Record<string, any>;
}

function cleanup(): void {
  try {
    execFileSync('groupdel', [G1], { stdio: 'ignore' });
  } catch {
    /* already gone */
  }
}

function groupLine(name: string): string | undefined {
  return readFileSync('/etc/group', 'utf8').split('\n').find((l) => l.startsWith(`${name}:`));
}

test('group.present creates with members, updates members, group.absent removes', { skip }, async () => {
  cleanup();
  try {
    const sls = `g:\n  group.present:\n    - name: ${G1}\n    - gid: 47311\n    - members: [root]\n`;
    const tag = `group_|-g_|-${G1}_|-present`;
    const dry = (await apply(sls, true))[tag];
    assert.deepEqual([dry.result, dry.comment], [null, `Group ${G1} set to be added`]);
    const first = (await apply(sls))[tag];
    assert.equal(first.result, true);
    assert.equal(first.comment, `New group ${G1} created`);
    assert.deepEqual(first.changes, { name: G1, passwd: 'x', gid: 47311, members: ['root'] });
    const second = (await apply(sls))[tag];
    assert.deepEqual([second.result, second.comment, second.changes], [true, `Group ${G1} is present and up to date`, {}]);
    const add = `g:\n  group.present:\n    - name: ${G1}\n    - addusers: [daemon]\n`;
    const dryAdd = (await apply(add, true))[tag];
    assert.deepEqual([dryAdd.result, dryAdd.comment], [null, "The following group attributes are set to be changed:\naddusers: ['daemon']\n"]);
    const added = (await apply(add))[tag];
    assert.deepEqual([added.result, added.changes], [true, { Final: 'All changes applied successfully' }]);
    assert.equal(groupLine(G1), `${G1}:x:47311:root,daemon`);
    const absent = `g:\n  group.absent:\n    - name: ${G1}\n`;
    const atag = `group_|-g_|-${G1}_|-absent`;
    assert.deepEqual((await apply(absent, true))[atag].comment, `Group ${G1} is set for removal`);
    const removed = (await apply(absent))[atag];
    assert.deepEqual([removed.result, removed.comment, removed.changes], [true, `Removed group ${G1}`, { [G1]: '' }]);
    assert.equal((await apply(absent))[atag].comment, 'Group not present');
  } finally {
    cleanup();
  }
});

test('group.present refuses members together with addusers', async () => {
  const r = (await apply('g:\n  group.present:\n    - name: saltts-x\n    - members: [a]\n    - addusers: [b]\n'))['group_|-g_|-saltts-x_|-present'];
  assert.deepEqual([r.result, r.comment], [null, 'Error: Conflicting options "members" with "addusers" and/or "delusers" can not be used together. ']);
});
