import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { Beacons } from '../beacons/beacons.js';
import { Loader } from '../loader/loader.js';

type Dict = Record<string, unknown>;
const root = mkdtempSync(join(tmpdir(), 'salt-ts-beaconmod-'));
after(() => rmSync(root, { recursive: true, force: true }));

function setup(beacons: Dict = {}, pillar: Dict = {}) {
  const opts: Dict = { id: 'm1', conf_file: join(root, 'minion'), default_include: 'minion.d/*.conf', beacons };
  const live = new Beacons({ opts, pillar });
  const loader = new Loader({ opts, pillar, minion: { beacons: live } });
  return { live, call: (fun: string, args: unknown[] = [], kwargs: Dict = {}) => loader.call(fun, args, kwargs) };
}

test('beacons.list and list_available print YAML like Salt', async () => {
  const s = setup({ load: [{ averages: { '1m': [0, 1], '5m': [0, 1], '15m': [0, 1] } }] });
  assert.equal(await s.call('beacons.list'), "beacons:\n  load:\n  - averages:\n      15m:\n      - 0\n      - 1\n      1m:\n      - 0\n      - 1\n      5m:\n      - 0\n      - 1\n");
  assert.equal(await setup().call('beacons.list'), 'beacons: {}\n');
  assert.equal(await s.call('beacons.list_available'), 'beacons:\n- diskusage\n- inotify\n- load\n- memusage\n- network_info\n- ps\n- service\n');
});

test('beacons.add validates, refuses unknown or duplicate beacons, and adds', async () => {
  const s = setup();
  assert.deepEqual(await s.call('beacons.add', ['nope', [{}]]), { comment: 'Beacon "nope" is not available.', result: false });
  assert.deepEqual(await s.call('beacons.add', ['ps', [{}]]), { comment: 'Beacon ps configuration invalid, not adding.\nConfiguration for ps beacon requires processes.', result: false });
  assert.deepEqual(await s.call('beacons.add', ['ps', [{ processes: { sshd: 'running' } }]]), { comment: 'Added beacon: ps.', result: true });
  assert.deepEqual(await s.call('beacons.add', ['ps', [{ processes: { sshd: 'running' } }]]), { comment: 'Beacon ps is already configured.', result: true });
  assert.deepEqual(s.live.list(), { ps: [{ processes: { sshd: 'running' } }] });
});

test('beacons.modify shows a diff; enable/disable one or all; delete; reset', async () => {
  const s = setup({ ps: [{ processes: { sshd: 'running' } }] });
  assert.deepEqual(await s.call('beacons.modify', ['ps', [{ processes: { sshd: 'stopped' } }]]), {
    comment: 'Modified beacon: ps.',
    result: true,
    changes: { diff: "--- \n+++ \n@@ -1 +1 @@\n-processes:{'sshd': 'running'}\n+processes:{'sshd': 'stopped'}\n" },
  });
  assert.deepEqual(await s.call('beacons.disable_beacon', ['ps']), { comment: 'Disabled beacon ps on minion.', result: true });
  assert.deepEqual(await s.call('beacons.enable_beacon', ['ps']), { comment: 'Enabled beacon ps on minion.', result: true });
  assert.deepEqual(await s.call('beacons.enable_beacon', ['zz']), { comment: 'Beacon zz is not currently configured.', result: false });
  assert.deepEqual(await s.call('beacons.disable'), { comment: 'Disabled beacons on minion.', result: true });
  assert.deepEqual(await s.call('beacons.enable'), { comment: 'Enabled beacons on minion.', result: true });
  assert.deepEqual(await s.call('beacons.delete', ['ps']), { comment: 'Deleted beacon: ps.', result: true });
  assert.deepEqual(await s.call('beacons.reset'), { comment: 'Beacon configuration reset.', result: true });
});

test('beacons.save writes minion.d/beacons.conf (config beacons only)', async () => {
  const s = setup({ memusage: [{ percent: '90%' }] }, { beacons: { load: [{ averages: {} }] } });
  const { mkdirSync } = await import('node:fs');
  mkdirSync(join(root, 'minion.d'), { recursive: true });
  const file = join(root, 'minion.d', 'beacons.conf');
  assert.deepEqual(await s.call('beacons.save'), { comment: `Beacons saved to ${file}.`, result: true });
  assert.equal(readFileSync(file, 'utf8'), "beacons:\n  memusage:\n  - percent: 90%\n");
});

test('pillar beacons cannot be changed', async () => {
  const s = setup({}, { beacons: { ps: [{ processes: { a: 'running' } }] } });
  assert.deepEqual(await s.call('beacons.delete', ['ps']), { comment: 'Cannot delete beacon item ps, it is configured in pillar.', result: false });
});
