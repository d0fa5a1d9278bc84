import assert from 'node:assert/strict';
import { test } from 'node:test';
import { generateMinionId, getMinionId, minionIdCachePath, type HostInfo } from './minion_id.js';

function host(over: Partial<HostInfo> & { files?: Record<string, string> }): HostInfo {
  return {
    hostname: () => 'web01',
    fqdn: (n) => n,
    readFile: (p) => over.files?.[p],
    ipAddrs: () => [],
    ...over,
  };
}

test('generateMinionId prefers the FQDN', () => {
  assert.equal(generateMinionId(host({ fqdn: () => 'web01.example.com' })), 'web01.example.com');
});

test('generateMinionId skips localhost names and falls back to the hostname', () => {
  assert.equal(generateMinionId(host({ fqdn: () => 'localhost.localdomain' })), 'web01');
});

test('generateMinionId falls back to /etc/hostname, /etc/hosts and then an IP address', () => {
  const noName = { hostname: () => 'localhost', fqdn: () => 'localhost' };
  assert.equal(generateMinionId(host({ ...noName, files: { '/etc/hostname': 'box7\n' } })), 'box7');
  assert.equal(
    generateMinionId(host({ ...noName, files: { '/etc/hosts': '127.0.0.1 localhost\n127.0.1.1 box8.lan box8 # me\n' } })),
    'box8.lan',
  );
  assert.equal(generateMinionId(host({ ...noName, ipAddrs: () => ['10.1.2.3'] })), '10.1.2.3');
  assert.equal(generateMinionId(host({ ...noName })), 'localhost');
});

test('minionIdCachePath is <root_dir>/etc/salt/minion_id', () => {
  assert.equal(minionIdCachePath({}), '/etc/salt/minion_id');
  assert.equal(minionIdCachePath({ root_dir: '/srv/r' }), '/srv/r/etc/salt/minion_id');
});

test('getMinionId ignores a cached localhost and reports an IPv4 id', () => {
  const files = { '/r/etc/salt/minion_id': 'localhost\n' };
  const result = getMinionId({ root_dir: '/r' }, { host: host({ hostname: () => 'localhost', fqdn: () => 'localhost', ipAddrs: () => ['10.0.0.9'], files }) });
  assert.deepEqual(result, { id: '10.0.0.9', isIp: true });
});

test('getMinionId removes any domain with minion_id_remove_domain: True', () => {
  const result = getMinionId({ minion_id_caching: false, minion_id_remove_domain: true }, { host: host({ fqdn: () => 'a.b.c' }) });
  assert.equal(result.id, 'a');
});
