import { test } from 'node:test';
import assert from 'node:assert/strict';
import { testMaster } from './_testing.js';

test('saltutil.sync_all reports nothing synced for every module kind, in Salt keys', async () => {
  const m = testMaster();
  try {
    const r = (await m.call('saltutil.sync_all')) as Record<string, unknown>;
    assert.deepEqual(Object.keys(r), ['clouds', 'modules', 'states', 'grains', 'renderers', 'returners', 'output', 'proxymodules', 'runners', 'wheel', 'engines', 'thorium', 'queues', 'pillar', 'utils', 'sdb', 'cache', 'fileserver', 'tops', 'tokens', 'serializers', 'executors', 'roster']);
    for (const v of Object.values(r)) assert.deepEqual(v, []);
    assert.deepEqual(await m.call('saltutil.sync_modules'), []);
  } finally {
    m.cleanup();
  }
});
