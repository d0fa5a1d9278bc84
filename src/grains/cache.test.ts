import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { nullLogger } from '../log/logger.js';
import { unpackBin } from '../protocol/binpack.js';
import { grainsCachePath, readGrainsCache, writeGrainsCache } from './cache.js';

test('writeGrainsCache() writes msgpack to cachedir/grains.cache.p with mode 0600', async () => {
  const dir = mkdtempSync(join(os.tmpdir(), 'grains-cache-'));
  try {
    const opts = { cachedir: join(dir, 'minion') };
    await writeGrainsCache(opts, { os: 'Debian', kernelparams: [['quiet', null]] }, nullLogger);
    const file = grainsCachePath(opts)!;
    assert.equal(file, join(dir, 'minion', 'grains.cache.p'));
    assert.equal(statSync(file).mode & 0o777, 0o600);
    assert.deepEqual(unpackBin(readFileSync(file)), { os: 'Debian', kernelparams: [['quiet', null]] });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('readGrainsCache() uses whole seconds of age against grains_cache_expiration and rejects empty caches', async () => {
  const dir = mkdtempSync(join(os.tmpdir(), 'grains-cache-'));
  try {
    const opts = { cachedir: dir, grains_cache_expiration: 10 };
    assert.equal(await readGrainsCache(opts, nullLogger), null);
    await writeGrainsCache(opts, { a: 1 }, nullLogger);
    const mtime = statSync(grainsCachePath(opts)!).mtimeMs;
    assert.deepEqual(await readGrainsCache(opts, nullLogger, mtime + 10_999), { a: 1 });
    assert.equal(await readGrainsCache(opts, nullLogger, mtime + 11_000), null);
    assert.equal(await readGrainsCache({ ...opts, refresh_grains_cache: true }, nullLogger, mtime), null);
    await writeGrainsCache(opts, {}, nullLogger);
    assert.equal(await readGrainsCache(opts, nullLogger), null);
    writeFileSync(grainsCachePath(opts)!, Buffer.from([0xc1]));
    assert.equal(await readGrainsCache(opts, nullLogger), null);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
