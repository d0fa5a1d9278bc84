import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { BUILTIN_MODULES, staticGrainsPath, zfsSizeToBytes } from './builtin_modules.js';

test('staticGrainsPath() is the grains file beside conf_file, or inside it when it is a directory', async () => {
  const dir = mkdtempSync(join(os.tmpdir(), 'grains-conf-'));
  try {
    assert.equal(await staticGrainsPath({ conf_file: join(dir, 'minion') }), join(dir, 'grains'));
    mkdirSync(join(dir, 'minion.d'));
    assert.equal(await staticGrainsPath({ conf_file: join(dir, 'minion.d') }), join(dir, 'minion.d', 'grains'));
    assert.equal(await staticGrainsPath({}), null);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('zfsSizeToBytes() converts zpool sizes like Salt’s zfs.from_size', () => {
  assert.equal(zfsSizeToBytes('1K'), 1024);
  assert.equal(zfsSizeToBytes('1.5G'), 1.5 * 1024 ** 3);
  assert.equal(zfsSizeToBytes('928G'), 928 * 1024 ** 3);
  assert.equal(zfsSizeToBytes('12345'), 12345);
  assert.equal(zfsSizeToBytes('none'), null);
  assert.equal(zfsSizeToBytes('abc'), 'abc');
});

test('the non-core built-in modules are Salt’s, in loader order', () => {
  assert.deepEqual(BUILTIN_MODULES.map((m) => m.name), ['disks', 'extra', 'lvm', 'mdadm', 'minion_process', 'opts', 'zfs']);
  assert.deepEqual(Object.keys(BUILTIN_MODULES.find((m) => m.name === 'extra')!.functions).sort(), ['config', 'shell', 'transactional', 'uefi']);
});
