import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { packBin } from '../protocol/binpack.js';
import { testMaster } from './_testing.js';

test('pillar.show_pillar compiles a minion pillar from pillar_roots with its cached grains', async () => {
  const m = testMaster();
  try {
    const roots = join(m.root, 'pillar');
    mkdirSync(roots, { recursive: true });
    writeFileSync(join(roots, 'top.sls'), "base:\n  '*':\n    - common\n  'os:Debian':\n    - match: grain\n    - debian\n");
    writeFileSync(join(roots, 'common.sls'), 'color: blue\n');
    writeFileSync(join(roots, 'debian.sls'), 'pkgtool: apt\n');
    m.opts.pillar_roots = { base: [roots] };
    mkdirSync(join(String(m.opts.cachedir), 'minions', 'web1'), { recursive: true });
    writeFileSync(join(String(m.opts.cachedir), 'minions', 'web1', 'data.p'), packBin({ grains: { os: 'Debian' }, pillar: {} }));
    const web1 = (await m.client().cmd('pillar.show_pillar', ['web1'], {}, { printEvent: false, fullReturn: true })) as Record<string, unknown>;
    assert.deepEqual(web1.return, { color: 'blue', pkgtool: 'apt' });
    assert.equal(web1.success, true);
    const global = (await m.client().cmd('pillar.show_pillar', [], {}, { printEvent: false })) as Record<string, unknown>;
    assert.deepEqual(global, { color: 'blue' });
  } finally {
    m.cleanup();
  }
});
