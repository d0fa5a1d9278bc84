import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ipAddress, ipAddressString, ipNetwork } from './_ipaddress.js';
import { ipcidrMatch } from './ipcidr.js';

const grains = { ipv4: ['127.0.0.1', '10.0.1.15'], ipv6: ['::1', 'fe80::1'] };

test('ipAddress follows Python ipaddress strictness', () => {
  assert.equal(ipAddress('010.0.0.1'), null, 'leading zeros rejected');
  assert.equal(ipAddress('10.0.0'), null);
  assert.equal(ipAddress('10.0.0.256'), null);
  assert.equal(ipAddress('1::2::3'), null);
  assert.equal(ipAddress('1:2:3:4:5:6:7:8:9'), null);
  assert.equal(ipAddress('fe80::1%'), null);
  assert.equal(ipAddressString(ipAddress('0:0:0:0:0:0:0:1')!), '::1');
  assert.equal(ipAddressString(ipAddress('1:0:0:2:0:0:0:3')!), '1:0:0:2::3');
  assert.equal(ipAddressString(ipAddress('::ffff:1.2.3.4')!), '::ffff:102:304');
  assert.equal(ipAddressString(ipAddress('fe80::1%eth0')!), 'fe80::1%eth0');
});

test('ipNetwork is strict about host bits and accepts netmask or hostmask forms for IPv4', () => {
  assert.equal(ipNetwork('10.0.1.1/24'), null);
  assert.deepEqual(ipNetwork('10.0.0.0/255.0.0.0'), { version: 4, network: 0x0a000000n, prefixlen: 8 });
  assert.deepEqual(ipNetwork('10.0.0.0/0.255.255.255'), { version: 4, network: 0x0a000000n, prefixlen: 8 });
  assert.equal(ipNetwork('10.0.0.0/255.0.255.0'), null);
  assert.equal(ipNetwork('10.0.0.0/33'), null);
  assert.equal(ipNetwork('10.0.0.0/'), null);
  assert.equal(ipNetwork('fe80::/129'), null);
  assert.equal(ipNetwork('1.2.3.4/32/1'), null);
});

test('ipcidrMatch: an address must be listed in the grain, a network must contain one', () => {
  assert.equal(ipcidrMatch('10.0.1.15', grains), true);
  assert.equal(ipcidrMatch('10.0.1.16', grains), false);
  assert.equal(ipcidrMatch('0:0:0:0:0:0:0:1', grains), true, 'compared in canonical form');
  assert.equal(ipcidrMatch('10.0.0.0/8', grains), true);
  assert.equal(ipcidrMatch('fe80::/10', grains), true);
  assert.equal(ipcidrMatch('::/0', { ipv6: [] }), false);
  assert.equal(ipcidrMatch('10.0.0.0/8', { id: 'noip' }), false);
});

test('ipcidrMatch returns [] and logs for an invalid target', () => {
  const logs: string[] = [];
  assert.deepEqual(ipcidrMatch('10.0.1.1/24', grains, (_l, m) => logs.push(m)), []);
  assert.deepEqual(logs, ['Invalid IP/CIDR target: 10.0.1.1/24']);
});
