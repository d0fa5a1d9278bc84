import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { applyStates } from '../state/apply.js';
import { caseFiles, caseLoader } from '../state/_replay.js';
import { whichSync } from '../modules/_syscmd.js';

const NAME = 'salt-ts-statesvc';
const SCRIPT = `/etc/init.d/${NAME}`;
const skip =
  existsSync('/run/systemd/system') || !existsSync('/etc/debian_version') || process.getuid?.() !== 0 || !whichSync('update-rc.d') || !whichSync('service')
    ? 'needs root on a Debian system without systemd (service, update-rc.d)'
    : false;

/** An init script whose "daemon" is a flag file; restarts and reloads are counted in a log. */
function initScript(flag: string, log: string): string {
  return `#!/bin/sh
### BEGIN INIT INFO
# Provides:          ${NAME}
# Required-Start:
# Required-Stop:
# Default-Start:     2 3 4 5
# Default-Stop:      0 1 6
# Short-Description: salt-ts service state test
### END INIT INFO
case "$1" in
  start) touch ${flag} ;;
  stop) rm -f ${flag} ;;
  restart) echo restart >> ${log}; touch ${flag} ;;
  reload|force-reload) echo reload >> ${log} ;;
  status) [ -e ${flag} ] || exit 3 ;;
  *) exit 2 ;;
esac
exit 0
`;
}

async function apply(sls: string, test = false): Promise<Record<string, any>> {
  const out = await applyStates({ mods: ['main'], test, fileClient: caseFiles({ base: { 'main.sls': sls } }), caller: caseLoader().makeContext() });
  assert.ok('states' in out, JSON.stringify(out));
  return out.states as Record<string, any>;
}

function cleanup(dir: string): void {
  try {
    execFileSync('update-rc.d', ['-f', NAME, 'remove'], { stdio: 'ignore' });
  } catch {
    /* no links */
  }
  rmSync(SCRIPT, { force: true });
  rmSync(dir, { recursive: true, force: true });
}

test('service.running starts and enables once, restarts or reloads on watch, service.dead stops and disables', { skip }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'salt-ts-svc-'));
  const flag = join(dir, 'running');
  const log = join(dir, 'actions.log');
  const conf = join(dir, 'svc.conf');
  try {
    writeFileSync(SCRIPT, initScript(flag, log), { mode: 0o755 });
    const sls = (contents: string, extra = '') =>
      `svc_conf:\n  file.managed:\n    - name: ${conf}\n    - contents: ${contents}\nsvc:\n  service.running:\n    - name: ${NAME}\n    - enable: true\n${extra}    - watch:\n      - file: svc_conf\n`;
    const tag = `service_|-svc_|-${NAME}_|-running`;

    // The watched file would change, so Salt goes on to mod_watch, which predicts the start.
    const dry = (await apply(sls('v1'), true))[tag];
    assert.deepEqual([dry.result, dry.comment, dry.changes], [null, 'Service is set to be started', {}]);
    const plainDry = (await apply(`svc:\n  service.running:\n    - name: ${NAME}\n`, true))[`service_|-svc_|-${NAME}_|-running`];
    assert.deepEqual([plainDry.result, plainDry.comment], [null, `Service ${NAME} is set to start`]);
    assert.equal(existsSync(flag), false);

    const first = (await apply(sls('v1')))[tag];
    assert.equal(first.result, true);
    assert.equal(first.comment, `Service ${NAME} has been enabled, and is running`);
    assert.deepEqual(first.changes, { [NAME]: true });
    assert.ok(existsSync(flag));
    assert.equal(existsSync(log), false, 'a service started by the state is not restarted too');

    const second = (await apply(sls('v1')))[tag];
    assert.deepEqual([second.result, second.comment, second.changes], [true, `The service ${NAME} is already running`, {}]);

    const dryWatch = (await apply(sls('v2'), true))[tag];
    assert.deepEqual([dryWatch.result, dryWatch.comment], [null, 'Service is set to be restarted']);

    const watched = (await apply(sls('v2')))[tag];
    assert.deepEqual([watched.result, watched.comment, watched.changes], [true, 'Service restarted', { [NAME]: true }]);
    assert.equal(readFileSync(log, 'utf8'), 'restart\n');

    const reloaded = (await apply(sls('v3', '    - reload: true\n')))[tag];
    assert.deepEqual([reloaded.result, reloaded.comment], [true, 'Service reloaded']);
    assert.equal(readFileSync(log, 'utf8'), 'restart\nreload\n');

    const deadSls = `svc:\n  service.dead:\n    - name: ${NAME}\n    - enable: false\n`;
    const deadTag = `service_|-svc_|-${NAME}_|-dead`;
    const deadDry = (await apply(deadSls, true))[deadTag];
    assert.deepEqual([deadDry.result, deadDry.comment], [null, `Service ${NAME} is set to be killed`]);
    const dead = (await apply(deadSls))[deadTag];
    assert.deepEqual([dead.result, dead.comment, dead.changes], [true, `Service ${NAME} has been disabled, and is dead`, { [NAME]: true }]);
    assert.equal(existsSync(flag), false);
    const deadAgain = (await apply(deadSls))[deadTag];
    assert.deepEqual([deadAgain.result, deadAgain.comment, deadAgain.changes], [true, `The service ${NAME} is already dead`, {}]);
  } finally {
    cleanup(dir);
  }
});

test('service.enabled and service.disabled toggle boot links once', { skip }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'salt-ts-svc-'));
  try {
    writeFileSync(SCRIPT, initScript(join(dir, 'running'), join(dir, 'log')), { mode: 0o755 });
    const en = `svc:\n  service.enabled:\n    - name: ${NAME}\n`;
    const tag = `service_|-svc_|-${NAME}_|-enabled`;
    assert.equal((await apply(en, true))[tag].comment, `Service ${NAME} set to be enabled`);
    const first = (await apply(en))[tag];
    assert.deepEqual([first.result, first.comment, first.changes], [true, `Service ${NAME} has been enabled, and is in the desired state`, { [NAME]: true }]);
    const second = (await apply(en))[tag];
    assert.deepEqual([second.comment, second.changes], [`Service ${NAME} is already enabled, and is in the desired state`, {}]);
    const dis = `svc:\n  service.disabled:\n    - name: ${NAME}\n`;
    const dtag = `service_|-svc_|-${NAME}_|-disabled`;
    const d1 = (await apply(dis))[dtag];
    assert.deepEqual([d1.result, d1.comment, d1.changes], [true, `Service ${NAME} has been disabled, and is in the desired state`, { [NAME]: true }]);
    const d2 = (await apply(dis))[dtag];
    assert.deepEqual([d2.comment, d2.changes], [`Service ${NAME} is already disabled, and is in the desired state`, {}]);
  } finally {
    cleanup(dir);
  }
});

test('service.running of a missing service fails, or predicts in test mode', async () => {
  const sls = 'svc:\n  service.running:\n    - name: salt-ts-no-such-service\n';
  const tag = 'service_|-svc_|-salt-ts-no-such-service_|-running';
  const r = (await apply(sls))[tag];
  assert.deepEqual([r.result, r.comment], [false, 'The named service salt-ts-no-such-service is not available']);
  const dry = (await apply(sls, true))[tag];
  assert.deepEqual([dry.result, dry.comment], [null, 'Service salt-ts-no-such-service not present; if created in this state run, it would have been started']);
});
