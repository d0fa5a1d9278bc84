import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { dmiIsClean, linuxDisks, parseLspciGpus } from './hardware.js';

test('linuxDisks() splits non-virtual block devices by queue/rotational', async () => {
  const root = mkdtempSync(join(os.tmpdir(), 'grains-sysblock-'));
  try {
    const devices = join(root, 'devices');
    const block = join(root, 'block');
    mkdirSync(block);
    for (const [name, kind, rotational] of [['vda', 'pci0000:00', '1'], ['nvme0n1', 'pci0000:01', '0'], ['loop0', 'virtual', '0'], ['odd', 'pci0000:02', 'x']]) {
      mkdirSync(join(devices, kind!, name!, 'queue'), { recursive: true });
      writeFileSync(join(devices, kind!, name!, 'queue', 'rotational'), `${rotational}\n`);
      symlinkSync(`../devices/${kind}/${name}`, join(block, name!));
    }
    const got = await linuxDisks(block);
    assert.deepEqual(got.disks, ['vda']);
    assert.deepEqual(got.ssds, ['nvme0n1']);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('parseLspciGpus() keeps display-class devices and names known vendors', () => {
  const out = ['Slot:\t00:02.0', 'Class:\tVGA compatible controller', 'Vendor:\tNVIDIA Corporation', 'Device:\tGA102 [GeForce RTX 3090]', '',
    'Slot:\t00:03.0', 'Class:\tEthernet controller', 'Vendor:\tIntel Corporation', 'Device:\tI210', '',
    'Slot:\t00:04.0', 'Class:\t3D controller', 'Vendor:\tSomeone Else', 'Device:\tX1'].join('\n');
  assert.deepEqual(parseLspciGpus(out), [
    { vendor: 'nvidia', model: 'GA102 [GeForce RTX 3090]' },
    { vendor: 'unknown', model: 'X1' },
  ]);
});

test('dmiIsClean() rejects the usual placeholder DMI values', () => {
  assert.equal(dmiIsClean('system-serial-number', 'To be filled by O.E.M.'), false);
  assert.equal(dmiIsClean('system-serial-number', '0000000'), false);
  assert.equal(dmiIsClean('system-serial-number', 'ABC123XYZ'), true);
  assert.equal(dmiIsClean('system-uuid', '4C4C4544-0042-3510-8052-B3C04F4E3332'), true);
  assert.equal(dmiIsClean('system-uuid', 'not-a-uuid'), false);
  assert.equal(dmiIsClean('system-manufacturer', 'System manufacturer'), false);
  assert.equal(dmiIsClean('system-product-name', 'Not Specified'), false);
  assert.equal(dmiIsClean('system-product-name', 'PowerEdge R640'), true);
});
