import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, rmSync, writeFileSync } from 'node:fs';
import { after, before, test } from 'node:test';
import { Loader } from '../loader/loader.js';
import { systemdBooted } from './debian_service.js';
import { whichSync } from './_syscmd.js';

const NAME = 'salt-ts-test';
const SCRIPT = `/etc/init.d/${NAME}`;
const FLAG = `/tmp/${NAME}.running`;
const skip =
  systemdBooted() || !existsSync('/etc/debian_version') || process.getuid?.() !== 0 || !whichSync('update-rc.d') || !whichSync('service')
    ? 'needs root on a Debian system without systemd (service, update-rc.d)'
    : false;
const loader = new Loader({ opts: { id: 'm1' } });
const call = (fun: string, args: unknown[] = [], kwargs: Record<string, unknown> = {}) => loader.call(fun, args, kwargs);

/** An init script whose "daemon" is a flag file, so start/stop/status are observable. */
const INIT_SCRIPT = `#!/bin/sh
### BEGIN INIT INFO
# Provides:          ${NAME}
# Required-Start:
# Required-Stop:
# Default-Start:     2 3 4 5
# Default-Stop:      0 1 6
# Short-Description: salt-ts service module test
### END INIT INFO
case "$1" in
  start) touch ${FLAG} ;;
  stop) rm -f ${FLAG} ;;
  restart|force-reload) rm -f ${FLAG}; touch ${FLAG} ;;
  reload) [ -e ${FLAG} ] || exit 7; date > ${FLAG} ;;
  status) [ -e ${FLAG} ] || exit 3 ;;
  *) echo "Usage: $0 {start|stop|restart|reload|status}" >&2; exit 2 ;;
esac
exit 0
`;

function cleanup(): void {
  try {
    execFileSync('update-rc.d', ['-f', NAME, 'remove'], { stdio: 'ignore' });
  } catch {
    /* no links */
  }
  rmSync(SCRIPT, { force: true });
  rmSync(FLAG, { force: true });
}

before(() => {
  if (skip) return;
  cleanup();
  writeFileSync(SCRIPT, INIT_SCRIPT, { mode: 0o755 });
});
after(() => {
  if (!skip) cleanup();
});

test('service is the Debian init-script provider when systemd is not running', { skip }, async () => {
  assert.equal(await loader.provider('service'), 'debian_service');
});

test('service.get_all, available and missing see the scripts in /etc/init.d', { skip }, async () => {
  const all = (await call('service.get_all')) as string[];
  assert.ok(all.includes(NAME));
  assert.deepEqual(all, [...all].sort());
  assert.equal(await call('service.available', [NAME]), true);
  assert.equal(await call('service.missing', [NAME]), false);
  assert.equal(await call('service.available', ['salt-ts-no-such-service']), false);
  assert.equal(await call('service.missing', ['salt-ts-no-such-service']), true);
});

test('service.start, status, restart, reload and stop run the init script through service', { skip }, async () => {
  try {
    assert.equal(await call('service.status', [NAME]), false);
    assert.equal(await call('service.reload', [NAME]), false, 'reload of a stopped service fails');
    assert.equal(await call('service.start', [NAME]), true);
    assert.ok(existsSync(FLAG));
    assert.equal(await call('service.status', [NAME]), true);
    assert.deepEqual(await call('service.status', ['salt-ts-te*']), { [NAME]: true }, 'a glob returns a dict');
    assert.equal(await call('service.restart', [NAME]), true);
    assert.equal(await call('service.reload', [NAME]), true);
    assert.equal(await call('service.stop', [NAME]), true);
    assert.equal(existsSync(FLAG), false);
    assert.equal(await call('service.status', [NAME]), false);
  } finally {
    rmSync(FLAG, { force: true });
  }
});

test('service.enable and disable manage the rc.d start links; enabled/disabled/get_enabled follow', { skip }, async () => {
  assert.equal(await call('service.enabled', [NAME]), false);
  assert.equal(await call('service.disabled', [NAME]), true);
  assert.equal(await call('service.enable', [NAME]), true);
  assert.equal(await call('service.enabled', [NAME]), true);
  assert.ok(((await call('service.get_enabled')) as string[]).includes(NAME));
  assert.ok(!((await call('service.get_disabled')) as string[]).includes(NAME));
  assert.equal(await call('service.disable', [NAME]), true);
  assert.equal(await call('service.enabled', [NAME]), false);
  assert.equal(await call('service.disabled', [NAME]), true);
  assert.ok(((await call('service.get_disabled')) as string[]).includes(NAME));
});

test('service.get_enabled names services by what follows the start order (S01x11-common is x11-common)', { skip }, async () => {
  for (const name of (await call('service.get_enabled')) as string[]) assert.doesNotMatch(name, /^[-\d]/);
});
