import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseResolv } from './dns.js';

test('parseResolv() gives the dns grain of a one-nameserver resolv.conf like the sample machine’s', () => {
  assert.deepEqual(parseResolv('nameserver 10.255.255.53\n'), {
    nameservers: ['10.255.255.53'],
    ip4_nameservers: ['10.255.255.53'],
    ip6_nameservers: [],
    sortlist: [],
    domain: '',
    search: [],
    options: [],
  });
});

test('parseResolv() handles comments, duplicates, IPv6, search, options and bad lines', () => {
  const r = parseResolv(
    ['# comment', 'nameserver 1.1.1.1 # trailing', 'nameserver 1.1.1.1', 'nameserver 2001:DB8:0:0::1', 'nameserver bogus', 'nameserver',
      'search a.example b.example ; x', 'domain example.com', 'options ndots:2 timeout:1', 'options ndots:2', ''].join('\n'),
  );
  assert.deepEqual(r.nameservers, ['1.1.1.1', '2001:db8::1']);
  assert.deepEqual(r.ip4_nameservers, ['1.1.1.1']);
  assert.deepEqual(r.ip6_nameservers, ['2001:db8::1']);
  assert.deepEqual(r.search, ['a.example', 'b.example']);
  assert.equal(r.domain, 'example.com');
  assert.deepEqual(r.options, ['ndots:2']);
});

test('parseResolv() writes sortlist entries with netmasks, natural masks without one, and skips invalid ones', () => {
  const r = parseResolv('sortlist 130.155.160.0/255.255.240.0 130.155.0.0 10.0.0.0/8 10.1.2.3/8 192.168.1.0\n');
  assert.deepEqual(r.sortlist, ['130.155.160.0/255.255.240.0', '130.155.0.0/255.255.0.0', '10.0.0.0/255.0.0.0', '192.168.1.0/255.255.255.0']);
});
