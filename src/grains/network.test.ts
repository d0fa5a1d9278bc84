import assert from 'node:assert/strict';
import { test } from 'node:test';
import { cidrToIpv4Netmask, interfaceAddresses, ipAddrs, parseDefaultRoute, parseIpAddrOutput } from './network.js';

const IP_ADDR = `1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536 qdisc noqueue state UNKNOWN group default qlen 1000
    link/loopback 00:00:00:00:00:00 brd 00:00:00:00:00:00
    inet 127.0.0.1/8 scope host lo
       valid_lft forever preferred_lft forever
    inet6 ::1/128 scope host
       valid_lft forever preferred_lft forever
2: ifb0: <BROADCAST,NOARP> mtu 1500 qdisc noop state DOWN group default qlen 32
    link/ether 8a:76:a6:1d:97:08 brd ff:ff:ff:ff:ff:ff
4: eth0: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1400 qdisc pfifo_fast state UP group default qlen 1000
    link/ether 02:fc:00:00:00:01 brd ff:ff:ff:ff:ff:ff
    inet 192.0.2.2/24 brd 192.0.2.255 scope global eth0
       valid_lft forever preferred_lft forever
    inet 10.0.0.9/8 scope global secondary eth0:1
    inet6 fd00::2/64 scope global nodad
       valid_lft forever preferred_lft forever
    inet6 fe80::fc:ff:fe00:1/64 scope link
       valid_lft forever preferred_lft forever
12: veth1@if11: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc noqueue state UP group default
    link/ether 9a:00:00:00:00:01 brd ff:ff:ff:ff:ff:ff link-netnsid 0
    inet 9.1.1.1/32 scope global veth1
`;

test('parseIpAddrOutput() builds Salt’s interface table from `ip addr show`', () => {
  const t = parseIpAddrOutput(IP_ADDR);
  assert.deepEqual(Object.keys(t), ['lo', 'ifb0', 'eth0', 'veth1']);
  assert.equal(t.lo!.up, true);
  assert.equal(t.ifb0!.up, false);
  assert.equal(t.ifb0!.hwaddr, '8a:76:a6:1d:97:08');
  assert.equal(t.ifb0!.inet, undefined);
  assert.deepEqual(t.eth0!.inet, [{ address: '192.0.2.2', netmask: '255.255.255.0', broadcast: '192.0.2.255', label: 'eth0' }]);
  assert.deepEqual(t.eth0!.secondary, [{ type: 'inet', address: '10.0.0.9', netmask: '255.0.0.0', broadcast: null, label: 'eth0:1' }]);
  assert.deepEqual(t.eth0!.inet6![1], { address: 'fe80::fc:ff:fe00:1', prefixlen: '64', scope: 'link' });
  assert.equal(t.veth1!.parent, 'if11');
});

test('interfaceAddresses() lists primary then secondary addresses of one family', () => {
  const t = parseIpAddrOutput(IP_ADDR);
  assert.deepEqual(interfaceAddresses(t.eth0!, 'inet'), ['192.0.2.2', '10.0.0.9']);
  assert.deepEqual(interfaceAddresses(t.eth0!, 'inet6'), ['fd00::2', 'fe80::fc:ff:fe00:1']);
});

test('ipAddrs() sorts by address value (9.x before 10.x before 127.x) and drops loopback on request', () => {
  const t = parseIpAddrOutput(IP_ADDR);
  assert.deepEqual(ipAddrs(t, 'inet', true), ['9.1.1.1', '10.0.0.9', '127.0.0.1', '192.0.2.2']);
  assert.deepEqual(ipAddrs(t, 'inet', false), ['9.1.1.1', '10.0.0.9', '192.0.2.2']);
  assert.deepEqual(ipAddrs(t, 'inet6', true), ['::1', 'fd00::2', 'fe80::fc:ff:fe00:1']);
});

test('parseDefaultRoute() gives the via address, true without via, false without a default route', () => {
  assert.equal(parseDefaultRoute('default via 192.0.2.1 dev eth0 \n192.0.2.0/24 dev eth0'), '192.0.2.1');
  assert.equal(parseDefaultRoute('default dev wg0 scope link'), true);
  assert.equal(parseDefaultRoute('default'), true);
  assert.equal(parseDefaultRoute('fd00::/64 dev eth0 proto kernel'), false);
});

test('cidrToIpv4Netmask() converts prefix lengths', () => {
  assert.equal(cidrToIpv4Netmask(8), '255.0.0.0');
  assert.equal(cidrToIpv4Netmask(20), '255.255.240.0');
  assert.equal(cidrToIpv4Netmask(0), '0.0.0.0');
  assert.equal(cidrToIpv4Netmask(32), '255.255.255.255');
});
