import assert from 'node:assert/strict';
import { test } from 'node:test';
import { coreGrains, coreModule, moduleSearchPaths, runtimeVersionInfo, saltPath, serverId } from './core.js';

test('serverId() matches Salt’s value for the sample minion id', () => {
  assert.equal(serverId('conformance-b'), 1060274746);
  assert.ok(Number.isInteger(serverId('')) && serverId('') >= 0 && serverId('') < 2 ** 31);
});

test('runtimeVersionInfo() reports the Node.js version in sys.version_info’s shape', () => {
  assert.deepEqual(runtimeVersionInfo('20.20.2'), [20, 20, 2, 'final', 0]);
  assert.deepEqual(runtimeVersionInfo('21.0.0-rc.1'), [21, 0, 0, 'candidate', 0]);
  assert.deepEqual(runtimeVersionInfo().slice(0, 3), process.versions.node.split('.').map(Number));
});

test('moduleSearchPaths() and saltPath() point at this package', () => {
  assert.ok(moduleSearchPaths().some((p) => p.endsWith('/node_modules')));
  assert.match(saltPath(), /\/src$/);
});

test('the core module has Salt’s core grain function names', () => {
  assert.deepEqual(Object.keys(coreModule.functions).sort(), [
    'append_domain', 'cwd', 'default_gateway', 'dns', 'fqdns', 'get_machine_id', 'get_master', 'get_server_id', 'hostname',
    'hwaddr_interfaces', 'id_', 'ip4_interfaces', 'ip6_interfaces', 'ip_fqdn', 'ip_interfaces', 'kernelparams', 'locale_info',
    'os_data', 'path', 'pythonexecutable', 'pythonpath', 'pythonversion', 'saltpath', 'saltversion', 'saltversioninfo', 'zmqversion',
  ]);
});

test('coreGrains() still works synchronously, with config grains on top', () => {
  const g = coreGrains({ id: 'm1', master: 'salt', grains: { roles: ['web'], os: 'Custom' } });
  assert.equal(g.id, 'm1');
  assert.equal(g.master, 'salt');
  assert.equal(g.os, 'Custom');
  assert.deepEqual(g.roles, ['web']);
  assert.equal(g.kernel, 'Linux');
  assert.ok((g.ipv4 as string[]).includes('127.0.0.1'));
});
