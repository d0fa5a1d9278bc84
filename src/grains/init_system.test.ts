import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { scanInitBinary } from './init_system.js';

test('scanInitBinary() finds the init name case-insensitively, even across a chunk boundary', async () => {
  const dir = mkdtempSync(join(os.tmpdir(), 'grains-init-'));
  try {
    const file = join(dir, 'init');
    writeFileSync(file, Buffer.concat([Buffer.alloc(10, 0x41), Buffer.from('SystemD'), Buffer.alloc(10, 0x42)]));
    assert.equal(await scanInitBinary(file, 13), 'systemd');
    writeFileSync(file, 'nothing to see');
    assert.equal(await scanInitBinary(file, 4), null);
    assert.equal(await scanInitBinary(join(dir, 'missing')), null);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
