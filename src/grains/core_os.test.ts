import assert from 'node:assert/strict';
import os from 'node:os';
import { test } from 'node:test';
import { parseSystemctlVersion, psCommand, unameGrains } from './core_os.js';

test('parseSystemctlVersion() takes the version number and the features line', () => {
  assert.deepEqual(parseSystemctlVersion('systemd 252 (252.38-1~deb12u1)\n+PAM +AUDIT -IDN\n', 0), { version: '252', features: '+PAM +AUDIT -IDN' });
  assert.deepEqual(parseSystemctlVersion('oops', 0), { version: 'UNDEFINED', features: '' });
  assert.deepEqual(parseSystemctlVersion('systemd 252\n+PAM', 1), { version: 'UNDEFINED', features: '' });
});

test('psCommand() picks the ps command line by OS', () => {
  assert.equal(psCommand({ os: 'Debian', os_family: 'Debian' }), 'ps -efHww');
  assert.equal(psCommand({ os: 'FreeBSD', os_family: 'FreeBSD' }), 'ps auxwww');
  assert.equal(psCommand({ os: 'Solaris', os_family: 'Solaris' }), '/usr/ucb/ps auxwww');
  assert.match(psCommand({ os: 'Debian', os_family: 'Debian', virtual: 'openvzhn' }), /envID/);
});

test('unameGrains() gives the uname fields in Salt’s order', () => {
  assert.deepEqual(unameGrains(), { kernel: os.type(), nodename: os.hostname(), kernelrelease: os.release(), kernelversion: os.version(), cpuarch: os.machine() });
});
