import assert from 'node:assert/strict';
import { createServer, Socket, type Server } from 'node:net';
import { hostname } from 'node:os';
import { after, before, test } from 'node:test';
import { Loader } from '../loader/loader.js';
import { runFunction } from '../loader/run.js';
import { parseIpOutput } from './network.js';
import { whichSync } from './_syscmd.js';

const loader = new Loader({ opts: { id: 'm1' } });
const call = (fun: string, args: unknown[] = [], kwargs: Record<string, unknown> = {}) => loader.call(fun, args, kwargs);
const noIp = whichSync('ip') ? false : 'needs the ip program (iproute2)';
let server: Server;
let port = 0;

before(async () => {
  server = createServer((s) => s.on('error', () => undefined));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as { port: number }).port;
});
after(() => server.close());

test('ip link/addr output parses into Salt\'s interface dict', () => {
  const out = [
    '1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536 qdisc noqueue state UNKNOWN mode DEFAULT group default qlen 1000',
    '    link/loopback 00:00:00:00:00:00 brd 00:00:00:00:00:00',
    '2: eth0@if5: <BROADCAST,MULTICAST> mtu 1500 qdisc noqueue state DOWN',
    '    link/ether 52:54:00:12:34:56 brd ff:ff:ff:ff:ff:ff',
    '1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536 qdisc noqueue state UNKNOWN group default qlen 1000',
    '    inet 127.0.0.1/8 scope host lo',
    '    inet6 ::1/128 scope host',
    '2: eth0@if5: <BROADCAST,MULTICAST> mtu 1500',
    '    inet 10.1.2.3/24 brd 10.1.2.255 scope global eth0',
    '    inet 10.1.2.4/24 brd 10.1.2.255 scope global secondary eth0',
  ].join('\n');
  assert.deepEqual(parseIpOutput(out), {
    lo: {
      up: true,
      hwaddr: '00:00:00:00:00:00',
      inet: [{ address: '127.0.0.1', netmask: '255.0.0.0', broadcast: null, label: 'lo' }],
      inet6: [{ address: '::1', prefixlen: '128', scope: 'host' }],
    },
    eth0: {
      up: false,
      parent: 'if5',
      hwaddr: '52:54:00:12:34:56',
      inet: [{ address: '10.1.2.3', netmask: '255.255.255.0', broadcast: '10.1.2.255', label: 'eth0' }],
      secondary: [{ type: 'inet', address: '10.1.2.4', netmask: '255.255.255.0', broadcast: '10.1.2.255', label: 'eth0' }],
    },
  });
});

test('network.interfaces, interface, interface_ip and hw_addr describe the loopback', { skip: noIp }, async () => {
  const ifaces = (await call('network.interfaces')) as Record<string, Record<string, unknown>>;
  assert.equal(ifaces.lo.up, true);
  assert.equal(ifaces.lo.hwaddr, '00:00:00:00:00:00');
  assert.deepEqual(await call('network.interface', ['lo']), [{ address: '127.0.0.1', netmask: '255.0.0.0', broadcast: null, label: 'lo' }]);
  assert.equal(await call('network.interface_ip', ['lo']), '127.0.0.1');
  assert.equal(await call('network.hw_addr', ['lo']), '00:00:00:00:00:00');
  assert.match(String(await call('network.hwaddr', ['salt-ts-none0'])), /^Interface "salt-ts-none0" not in available interfaces: "/);
});

test('network.ip_addrs leaves out loopback addresses unless asked; filters by interface and cidr', { skip: noIp }, async () => {
  assert.ok(!((await call('network.ip_addrs')) as string[]).includes('127.0.0.1'));
  assert.deepEqual(await call('network.ip_addrs', [], { interface: 'lo', include_loopback: true }), ['127.0.0.1']);
  assert.deepEqual(await call('network.ipaddrs', [], { interface: 'l*', include_loopback: true, cidr: '127.0.0.0/8' }), ['127.0.0.1']);
  assert.deepEqual(await call('network.ip_addrs', [], { interface: 'lo', include_loopback: true, type: 'public' }), []);
  assert.deepEqual(await call('network.ip_addrs6', [], { interface: 'lo', include_loopback: true }), ['::1']);
  assert.ok(!((await call('network.subnets')) as string[]).some((s) => s.startsWith('127.')), 'loopback is no subnet');
});

test('network.connect succeeds to a listening loopback port and fails on a closed one', async () => {
  assert.deepEqual(await call('network.connect', ['127.0.0.1', port]), {
    result: true,
    comment: `Successfully connected to 127.0.0.1 (127.0.0.1) on tcp port ${port}`,
  });
  const closed = createServer();
  await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
  const closedPort = (closed.address() as { port: number }).port;
  await new Promise<void>((resolve) => closed.close(() => resolve()));
  assert.deepEqual(await call('network.connect', ['127.0.0.1', closedPort], { timeout: 2 }), {
    result: false,
    comment: `Unable to connect to 127.0.0.1 (127.0.0.1) on tcp port ${closedPort}`,
  });
  assert.deepEqual(await call('network.connect', ['127.0.0.1']), { result: false, comment: 'Required argument, port, is missing.' });
});

test('network.active_tcp and netstat list an established loopback connection', async () => {
  const client = new Socket();
  await new Promise<void>((resolve) => client.connect(port, '127.0.0.1', resolve));
  try {
    const active = Object.values((await call('network.active_tcp')) as Record<string, Record<string, unknown>>);
    assert.ok(active.some((c) => c.remote_port === port && c.remote_addr === '127.0.0.1' && c.local_port === client.localPort));
    const netstat = (await call('network.netstat')) as Array<Record<string, unknown>>;
    assert.ok(netstat.some((e) => String(e['local-address']).endsWith(`:${port}`) && e.state === 'LISTEN'));
  } finally {
    client.destroy();
  }
});

test('network.is_private, is_loopback, ip_in_subnet, calc_net and convert_cidr classify addresses like Python', async () => {
  assert.equal(await call('network.is_private', ['10.0.0.3']), true);
  assert.equal(await call('network.is_private', ['8.8.8.8']), false);
  assert.equal(await call('network.is_private', ['fd00::1']), true);
  assert.equal(await call('network.is_loopback', ['127.0.0.1']), true);
  assert.equal(await call('network.is_loopback', ['::1']), true);
  assert.equal(await call('network.is_loopback', ['10.0.0.1']), false);
  assert.equal(await call('network.ip_in_subnet', ['172.17.0.4', '172.16.0.0/12']), true);
  assert.equal(await call('network.calc_net', ['172.17.0.5', '255.255.255.240']), '172.17.0.0/28');
  assert.deepEqual(await call('network.convert_cidr', ['172.31.0.0/16']), { network: '172.31.0.0', netmask: '255.255.0.0', broadcast: '172.31.255.255' });
  assert.equal(await call('network.reverse_ip', ['127.0.0.1']), '1.0.0.127.in-addr.arpa');
  const bad = await runFunction(loader, 'network.is_private', ['not-an-ip']);
  assert.equal(bad.retcode, 1);
});

test('network.get_hostname is the host name; routes refuses an unknown family', async () => {
  assert.equal(await call('network.get_hostname'), hostname());
  const r = await runFunction(loader, 'network.routes', ['inet7']);
  assert.deepEqual([r.return, r.retcode], ['ERROR: Invalid address family inet7', 1]);
  const routes = (await call('network.routes', ['inet'])) as Array<Record<string, string>>;
  assert.ok(routes.every((x) => x.addr_family === 'inet'));
});

test('network.ping 127.0.0.1 answers with return_boolean', { skip: whichSync('ping') ? false : 'needs the ping program (iputils-ping)' }, async () => {
  assert.equal(await call('network.ping', ['127.0.0.1'], { return_boolean: true, timeout: 1 }), true);
});
