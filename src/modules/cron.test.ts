import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { after, before, test } from 'node:test';
import { Loader } from '../loader/loader.js';
import { parseTab, renderTab, TAG } from './cron.js';
import { whichSync } from './_syscmd.js';

const USER = 'salt-ts-cron1';
const skip = process.getuid?.() !== 0 || !whichSync('crontab') ? 'needs root and the crontab program (Debian package cron)' : false;
const loader = new Loader({ opts: { id: 'm1' } });
const call = (fun: string, args: unknown[] = [], kwargs: Record<string, unknown> = {}) => loader.call(fun, args, kwargs);

function quiet(cmd: string, args: string[]): void {
  try {
    execFileSync(cmd, args, { stdio: 'ignore' });
  } catch {
    /* nothing to clean */
  }
}

function cleanup(): void {
  quiet('crontab', ['-u', USER, '-r']);
  quiet('userdel', ['-r', '-f', USER]);
  quiet('groupdel', [USER]);
}

before(() => {
  if (skip) return;
  cleanup();
  execFileSync('useradd', ['-M', USER]);
});
after(() => {
  if (!skip) cleanup();
});

test('a crontab without Salt lines parses to pre lines only and renders with the marker', () => {
  const tab = parseTab('MAILTO=x\n0 1 * * * /bin/true\n');
  assert.deepEqual(tab, { pre: ['MAILTO=x', '0 1 * * * /bin/true'], crons: [], special: [], env: [] });
  assert.deepEqual(renderTab(tab), ['MAILTO=x\n', '0 1 * * * /bin/true\n', TAG]);
  assert.deepEqual(parseTab(''), { pre: [], crons: [], special: [], env: [] });
});

test('managed lines parse into env, crons with comment/identifier, disabled jobs and specials', () => {
  const text = `${TAG}SHELL=/bin/sh\n# nightly SALT_CRON_IDENTIFIER:job1\n5 4 * * 1 /usr/bin/backup --all\n#DISABLED#* * * * * /bin/off\n@reboot /bin/boot\n`;
  const tab = parseTab(text);
  assert.deepEqual(tab.env, [{ name: 'SHELL', value: '/bin/sh' }]);
  assert.deepEqual(tab.crons, [
    { minute: '5', hour: '4', daymonth: '*', month: '*', dayweek: '1', identifier: 'job1', cmd: '/usr/bin/backup --all', comment: 'nightly', commented: false },
    { minute: '*', hour: '*', daymonth: '*', month: '*', dayweek: '*', identifier: null, cmd: '/bin/off', comment: null, commented: true },
  ]);
  assert.deepEqual(tab.special, [{ spec: '@reboot', cmd: '/bin/boot', identifier: null, comment: null, commented: false }]);
  assert.equal(renderTab(tab).join(''), text, 'rendering gives the same text back');
});

test('cron.set_job writes a job under the Salt marker; present, updated and rm_job follow', { skip }, async () => {
  assert.deepEqual(await call('cron.list_tab', [USER]), { pre: [], crons: [], special: [], env: [] });
  assert.equal(await call('cron.set_job', [USER, '*/5', '*', '*', '*', '*', '/bin/echo hi'], { identifier: 'echo-job', comment: 'say hi' }), 'new');
  const raw = (await call('cron.raw_cron', [USER])) as string;
  assert.equal(raw, `${TAG}# say hi SALT_CRON_IDENTIFIER:echo-job\n*/5 * * * * /bin/echo hi\n`);
  const crontab = execFileSync('crontab', ['-u', USER, '-l'], { encoding: 'utf8' });
  assert.ok(crontab.includes('*/5 * * * * /bin/echo hi'), 'the real crontab has the job');
  assert.equal(await call('cron.set_job', [USER, '*/5', '*', '*', '*', '*', '/bin/echo hi'], { identifier: 'echo-job', comment: 'say hi' }), 'present');
  assert.equal(await call('cron.set_job', [USER, '10', '*', '*', '*', '*', '/bin/echo hi'], { identifier: 'echo-job', comment: 'say hi' }), 'updated');
  const tab = (await call('cron.ls', [USER])) as { crons: Array<Record<string, unknown>> };
  assert.equal(tab.crons.length, 1);
  assert.equal(tab.crons[0].minute, '10');
  assert.deepEqual(await call('cron.get_entry', [USER], { identifier: 'echo-job' }), tab.crons[0]);
  assert.equal(await call('cron.rm_job', [USER, '/bin/echo hi'], { minute: 11, identifier: 'echo-job' }), 'absent', 'time params must match');
  assert.equal(await call('cron.rm_job', [USER, '/bin/echo hi'], { identifier: 'echo-job' }), 'removed');
  assert.equal(await call('cron.rm', [USER, '/bin/echo hi'], { identifier: 'echo-job' }), 'absent');
  assert.deepEqual(((await call('cron.list_tab', [USER])) as { crons: unknown[] }).crons, []);
});

test('cron.set_env and rm_env manage environment lines; set_special adds @ lines', { skip }, async () => {
  assert.equal(await call('cron.set_env', [USER, 'MAILTO', 'ops@example.invalid']), 'new');
  assert.equal(await call('cron.set_env', [USER, 'MAILTO', 'ops@example.invalid']), 'present');
  assert.equal(await call('cron.set_env', [USER, 'MAILTO', 'other@example.invalid']), 'updated');
  assert.equal(await call('cron.set_special', [USER, '@daily', '/bin/true']), 'new');
  assert.equal(await call('cron.raw_cron', [USER]), `${TAG}MAILTO=other@example.invalid\n@daily /bin/true\n`);
  assert.equal(await call('cron.rm_env', [USER, 'MAILTO']), 'removed');
  assert.equal(await call('cron.rm_env', [USER, 'MAILTO']), 'absent');
  assert.equal(await call('cron.rm_special', [USER, '/bin/true']), 'removed');
  assert.equal(await call('cron.raw_cron', [USER]), TAG);
});
