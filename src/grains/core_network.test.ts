import assert from 'node:assert/strict';
import { test } from 'node:test';
import { interfaceGrains, parseGetentCanonname } from './core_network.js';
import { parseIpAddrOutput } from './network.js';

test('parseGetentCanonname() takes the canonical name from the first `getent ahosts` line', () => {
  assert.equal(parseGetentCanonname('127.0.0.1       STREAM vm\n127.0.0.1       DGRAM  \n127.0.0.1       RAW    \n'), 'vm');
  assert.equal(parseGetentCanonname('10.0.0.1 STREAM host.example.com\n'), 'host.example.com');
  assert.equal(parseGetentCanonname(''), null);
});

test('interfaceGrains() builds ip/ip4/ip6/hwaddr_interfaces like Salt (all interfaces, secondaries last)', () => {
  const table = parseIpAddrOutput(`1: lo: <LOOPBACK,UP> mtu 65536
    link/loopback 00:00:00:00:00:00 brd 00:00:00:00:00:00
    inet 127.0.0.1/8 scope host lo
2: tun0: <POINTOPOINT,UP> mtu 1500
    link/none 
    inet 10.8.0.1/24 scope global tun0
    inet 10.8.0.2/24 scope global secondary tun0
    inet6 fe80::1/64 scope link
3: ifb0: <BROADCAST,NOARP> mtu 1500
    link/ether 8a:76:a6:1d:97:08 brd ff:ff:ff:ff:ff:ff
`);
  assert.deepEqual(interfaceGrains(table, 'ip4'), { ip4_interfaces: { lo: ['127.0.0.1'], tun0: ['10.8.0.1', '10.8.0.2'], ifb0: [] } });
  assert.deepEqual(interfaceGrains(table, 'ip6'), { ip6_interfaces: { lo: [], tun0: ['fe80::1'], ifb0: [] } });
  assert.deepEqual(interfaceGrains(table, 'ip'), { ip_interfaces: { lo: ['127.0.0.1'], tun0: ['10.8.0.1', 'fe80::1', '10.8.0.2'], ifb0: [] } });
  assert.deepEqual(interfaceGrains(table, 'hwaddr'), { hwaddr_interfaces: { lo: '00:00:00:00:00:00', ifb0: '8a:76:a6:1d:97:08' } });
});
