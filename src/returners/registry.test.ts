import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalJobCache } from '../jobs/local_cache.js';
import { createReturner, returnerNames, ReturnerSet } from './registry.js';
import { ReturnerFunctionError, ReturnerNotFoundError } from './errors.js';
import { LocalCacheReturner } from './local_cache.js';

describe('returner registry', () => {
  test('knows the built-in returners by their Salt names', () => {
    assert.deepEqual(returnerNames(), ['local_cache', 'pgjsonb', 'rawfile_json', 'redis', 'syslog']);
    for (const name of returnerNames()) assert.equal(createReturner(name, { opts: { cachedir: '/tmp' } }).name, name);
  });

  test('an unknown name is a ReturnerNotFoundError listing the known ones', () => {
    assert.throws(() => createReturner('mongo', { opts: {} }), (e: Error) => e instanceof ReturnerNotFoundError && /Returner 'mongo' is not available: expected one of local_cache, pgjsonb/.test(e.message));
  });

  test('a set makes each returner once, answers has() like `fstr in returners`, and fn() throws for a missing function', () => {
    const set = new ReturnerSet({ opts: { cachedir: '/tmp' } });
    assert.equal(set.get('redis'), set.get('redis'));
    assert.equal(set.has('redis', 'get_jid'), true);
    assert.equal(set.has('redis', 'event_return'), false);
    assert.equal(set.has('rawfile_json', 'event_return'), true);
    assert.equal(set.has('nosuch', 'returner'), false);
    assert.throws(() => set.fn('syslog', 'get_load'), ReturnerFunctionError);
  });

  test('local_cache shares the LocalJobCache it is given', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'registry-'));
    try {
      const cache = new LocalJobCache({ cachedir: dir });
      const set = new ReturnerSet({ opts: { cachedir: '/elsewhere' } }, { localCache: cache });
      assert.equal((set.get('local_cache') as LocalCacheReturner).cache, cache);
      assert.equal(await set.fn('local_cache', 'prep_jid')(false, '20250101120000000001'), '20250101120000000001');
      assert.equal(await cache.jidExists('20250101120000000001'), true);
      await set.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
