import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fromCgroup, fromDmidecode, fromLspci, fromSystemdDetectVirt, fromVirtWhat } from './virtual.js';

test('fromSystemdDetectVirt() maps the values Salt knows and ignores others such as docker', () => {
  assert.deepEqual(fromSystemdDetectVirt('kvm'), { virtual: 'kvm' });
  assert.deepEqual(fromSystemdDetectVirt('vmware'), { virtual: 'VMware' });
  assert.deepEqual(fromSystemdDetectVirt('lxc'), { virtual: 'container', virtual_subtype: 'LXC' });
  assert.deepEqual(fromSystemdDetectVirt('amazon'), { virtual: 'Nitro', virtual_subtype: 'Amazon EC2' });
  assert.equal(fromSystemdDetectVirt('docker'), null);
  assert.equal(fromSystemdDetectVirt('none'), null);
});

test('fromVirtWhat(), fromDmidecode() and fromLspci() recognise their outputs', () => {
  assert.deepEqual(fromVirtWhat('hyperv\n'), { virtual: 'HyperV' });
  assert.deepEqual(fromVirtWhat('ibm_power-lpar_shared'), { virtual: 'LPAR', virtual_subtype: 'shared' });
  assert.deepEqual(fromDmidecode('Manufacturer: QEMU\nProduct Name: Standard PC'), { virtual: 'kvm' });
  assert.deepEqual(fromDmidecode('Product Name: VMware Virtual Platform'), { virtual: 'VMware' });
  assert.deepEqual(fromDmidecode('Manufacturer: oVirt'), { virtual: 'kvm', virtual_subtype: 'ovirt' });
  assert.deepEqual(fromLspci('00:03.0 Ethernet controller: Red Hat, Inc. Virtio network device'), { virtual: 'kvm' });
  assert.deepEqual(fromLspci('00:02.0 VGA compatible controller: Intel Corporation'), {});
});

test('fromCgroup() recognises LXC, Docker and Kubernetes', () => {
  assert.deepEqual(fromCgroup('1:name=systemd:/lxc/abc'), { virtual: 'container', virtual_subtype: 'LXC' });
  assert.deepEqual(fromCgroup('12:pids:/docker/0123'), { virtual: 'container', virtual_subtype: 'Docker' });
  assert.deepEqual(fromCgroup('3:cpu:/kubepods/pod1'), { virtual_subtype: 'kubernetes' });
  assert.deepEqual(fromCgroup('0::/'), {});
});
