import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { packBin } from '../protocol/binpack.js';
import { connectedMinionIds, PresenceTracker } from './presence.js';

test('PresenceTracker fires change (new, lost) only when the set changes, and present every round', () => {
  const fired: Array<[string, unknown]> = [];
  const p = new PresenceTracker((tag, data) => void fired.push([tag, data]));
  p.update(['m2', 'm1']);
  assert.deepEqual(fired, [
    ['salt/presence/change', { new: ['m1', 'm2'], lost: [] }],
    ['salt/presence/present', { present: ['m1', 'm2'] }],
  ]);
  fired.length = 0;
  p.update(new Set(['m1', 'm2']));
  assert.deepEqual(fired, [['salt/presence/present', { present: ['m1', 'm2'] }]]);
  fired.length = 0;
  const round = p.update(['m3', 'm1']);
  assert.deepEqual(round, { present: ['m1', 'm3'], new: ['m3'], lost: ['m2'] });
  assert.deepEqual(fired[0], ['salt/presence/change', { new: ['m3'], lost: ['m2'] }]);
  fired.length = 0;
  p.update([]);
  assert.deepEqual(fired, [
    ['salt/presence/change', { new: [], lost: ['m1', 'm3'] }],
    ['salt/presence/present', { present: [] }],
  ]);
});

test('PresenceTracker fires nothing but an empty present list when nobody ever connects', () => {
  const fired: string[] = [];
  new PresenceTracker((tag) => void fired.push(tag)).update([]);
  assert.deepEqual(fired, ['salt/presence/present']);
});

test('connectedMinionIds matches connected addresses with the cached ipv4/ipv6 grains', () => {
  const root = mkdtempSync(join(tmpdir(), 'presence-'));
  try {
    const cache = (id: string, grains: Record<string, unknown>) => {
      mkdirSync(join(root, 'minions', id), { recursive: true });
      writeFileSync(join(root, 'minions', id, 'data.p'), packBin({ grains, pillar: {} }));
    };
    cache('web1', { ipv4: ['127.0.0.1', '10.0.0.5'], ipv6: [] });
    cache('db1', { ipv4: ['10.0.0.6'], ipv6: ['fe80::1'] });
    cache('gone', { ipv4: ['10.0.0.9'] });
    const opts = { cachedir: root, publish_port: 4505 };
    assert.deepEqual(connectedMinionIds(opts, new Set(['10.0.0.5', 'fe80::1'])), ['db1', 'web1']);
    assert.deepEqual(connectedMinionIds({ ...opts, minion_data_cache: false }, new Set(['10.0.0.5'])), []);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
