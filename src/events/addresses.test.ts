import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { busEndpoints, minionBusHash } from './addresses.js';
import { EventBusListenError } from './errors.js';

test('a master bus uses master_event_pub.ipc and master_event_pull.ipc in sock_dir', () => {
  assert.deepEqual(busEndpoints({ sockDir: '/var/run/salt/master' }), {
    pub: { path: '/var/run/salt/master/master_event_pub.ipc' },
    pull: { path: '/var/run/salt/master/master_event_pull.ipc' },
  });
});

test('a minion bus names its sockets after the first 10 hex chars of sha256(id)', () => {
  const h = createHash('sha256').update('web1').digest('hex').slice(0, 10);
  assert.equal(minionBusHash('web1'), h);
  assert.deepEqual(busEndpoints({ sockDir: '/var/run/salt/minion', role: 'minion', id: 'web1' }), {
    pub: { path: `/var/run/salt/minion/minion_event_${h}_pub.ipc` },
    pull: { path: `/var/run/salt/minion/minion_event_${h}_pull.ipc` },
  });
  assert.equal(minionBusHash('web1', 'md5'), createHash('md5').update('web1').digest('hex').slice(0, 10));
});

test('ipc_mode tcp uses 127.0.0.1 ports 4512/4513 (master) and 4510/4511 (minion)', () => {
  assert.deepEqual(busEndpoints({ sockDir: '/x', ipcMode: 'tcp' }), {
    pub: { host: '127.0.0.1', port: 4512 },
    pull: { host: '127.0.0.1', port: 4513 },
  });
  assert.deepEqual(busEndpoints({ sockDir: '/x', ipcMode: 'tcp', role: 'minion', id: 'm' }), {
    pub: { host: '127.0.0.1', port: 4510 },
    pull: { host: '127.0.0.1', port: 4511 },
  });
});

test('a minion bus without id and a socket path over 107 bytes are rejected', () => {
  assert.throws(() => busEndpoints({ sockDir: '/x', role: 'minion' }), EventBusListenError);
  assert.throws(() => busEndpoints({ sockDir: '/' + 'd'.repeat(100) }), /at most 107 bytes/);
});
