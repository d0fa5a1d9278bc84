import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { test } from 'node:test';
import { applyStates } from '../state/apply.js';
import { caseFiles, caseLoader } from '../state/_replay.js';
import { whichSync } from '../modules/_syscmd.js';

const USER = 'saltts-cronuser';
const skip = process.getuid?.() !== 0 || !whichSync('useradd')
  ? 'needs root to create a test user'
  : !whichSync('crontab')
    ? 'crontab is not installed'
    : false;

async function apply(sls: string, test = false): Promise<Record<string, any>> {
  const out = await applyStates({ mods: ['main'], test, fileClient: caseFiles({ base: { 'main.sls': sls } }), caller: caseLoader().makeContext() });
  assert.ok('states' in out, JSON.stringify(out));
  return out.states as Record<string, any>;
}

function crontab(): string {
  try {
    return execFileSync('crontab', ['-u', USER, '-l'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  } catch {
    return '';
  }
}

function cleanup(): void {
  for (const [cmd, args] of [['crontab', ['-u', USER, '-r']], ['userdel', [USER]]] as const) {
    try {
      execFileSync(cmd, [...args], { stdio: 'ignore' });
    } catch {
      /* not there */
    }
  }
}

test('cron.present adds a job once, updates its time, cron.absent removes it', { skip }, async () => {
  cleanup();
  try {
    execFileSync('useradd', ['-M', USER], { stdio: 'ignore' });
    const job = '/usr/bin/true salt-ts';
    const sls = (minute: number) => `j:\n  cron.present:\n    - name: ${job}\n    - user: ${USER}\n    - minute: ${minute}\n    - identifier: saltts-job\n`;
    const tag = `cron_|-j_|-${job}_|-present`;
    const dry = (await apply(sls(5), true))[tag];
    assert.deepEqual([dry.result, dry.comment], [null, `Cron ${job} is set to be added`]);
    const first = (await apply(sls(5)))[tag];
    assert.deepEqual([first.result, first.comment, first.changes], [true, `Cron ${job} added to ${USER}'s crontab`, { [USER]: job }]);
    assert.match(crontab(), /# SALT_CRON_IDENTIFIER:saltts-job\n5 \* \* \* \* \/usr\/bin\/true salt-ts\n/);
    const second = (await apply(sls(5)))[tag];
    assert.deepEqual([second.result, second.comment, second.changes], [true, `Cron ${job} already present`, {}]);
    assert.deepEqual([(await apply(sls(5), true))[tag].result, (await apply(sls(7), true))[tag].comment], [true, `Cron ${job} is set to be updated`]);
    const updated = (await apply(sls(7)))[tag];
    assert.deepEqual([updated.comment, updated.changes], [`Cron ${job} updated`, { [USER]: job }]);
    assert.match(crontab(), /\n7 \* \* \* \* \/usr\/bin\/true salt-ts\n/);

    const absent = `j:\n  cron.absent:\n    - name: ${job}\n    - user: ${USER}\n    - identifier: saltts-job\n`;
    const atag = `cron_|-j_|-${job}_|-absent`;
    assert.equal((await apply(absent, true))[atag].comment, `Cron ${job} is set to be removed`);
    const removed = (await apply(absent))[atag];
    assert.deepEqual([removed.result, removed.comment, removed.changes], [true, `Cron ${job} removed from ${USER}'s crontab`, { [USER]: job }]);
    const again = (await apply(absent))[atag];
    assert.deepEqual([again.result, again.comment, again.changes], [true, `Cron ${job} already absent`, {}]);
  } finally {
    cleanup();
  }
});

test('cron.env_present and env_absent manage a crontab variable', { skip }, async () => {
  cleanup();
  try {
    execFileSync('useradd', ['-M', USER], { stdio: 'ignore' });
    const sls = `e:\n  cron.env_present:\n    - name: MAILTO\n    - value: ops@example.invalid\n    - user: ${USER}\n`;
    const tag = 'cron_|-e_|-MAILTO_|-env_present';
    assert.equal((await apply(sls, true))[tag].comment, 'Cron env MAILTO is set to be added');
    const first = (await apply(sls))[tag];
    assert.deepEqual([first.comment, first.changes], [`Cron env MAILTO added to ${USER}'s crontab`, { [USER]: 'MAILTO' }]);
    assert.match(crontab(), /MAILTO=ops@example.invalid\n/);
    assert.deepEqual((await apply(sls))[tag].comment, 'Cron env MAILTO already present');
    const absent = `e:\n  cron.env_absent:\n    - name: MAILTO\n    - user: ${USER}\n`;
    const removed = (await apply(absent))['cron_|-e_|-MAILTO_|-env_absent'];
    assert.deepEqual([removed.comment, removed.changes], [`Cron env MAILTO removed from ${USER}'s crontab`, { [USER]: 'MAILTO' }]);
  } finally {
    cleanup();
  }
});
