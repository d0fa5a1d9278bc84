import assert from 'node:assert/strict';
import { appendFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type { JobRegistry, RunningJob } from '../loader/types.js';
import { Beacons, type BeaconsOptions } from './beacons.js';
import { sources as loadSources } from './modules/load.js';
import { sources as memSources } from './modules/memusage.js';
import { sources as netSources } from './modules/network_info.js';
import { sources as psSources } from './modules/ps.js';
import { beaconsConfPath } from './persist.js';
import type { BeaconModule } from './types.js';

type Dict = Record<string, unknown>;
const root = mkdtempSync(join(tmpdir(), 'salt-ts-beacons-'));
after(() => rmSync(root, { recursive: true, force: true }));

function make(beacons: Dict, extra: Partial<BeaconsOptions> = {}): Beacons {
  return new Beacons({ opts: { id: 'm1', loop_interval: 1, beacons }, ...extra });
}

const counter: BeaconModule = {
  name: 'counter',
  validate: (c) => (Array.isArray(c) ? [true, 'ok'] : [false, 'must be a list']),
  beacon: (config) => [{ tag: 'sub', n: (config.find((c) => 'n' in c) ?? { n: 0 }).n }],
};
const broken: BeaconModule = { name: 'broken', beacon: () => { throw new Error('kaput'); } };

test('events get salt/beacon/<id>/<name>/<sub tag> and the minion id', async () => {
  const b = make({ counter: [{ n: 5 }] }, { modules: { counter } });
  assert.deepEqual(await b.process(), [{ tag: 'salt/beacon/m1/counter/sub', data: { n: 5, id: 'm1' }, beacon_name: 'counter' }]);
});

test('interval counts loop_interval ticks: the first run waits a full interval', async () => {
  const b = make({ counter: [{ n: 1 }, { interval: 3 }] }, { modules: { counter } });
  const fired: number[] = [];
  for (let i = 1; i <= 7; i++) if ((await b.process()).length) fired.push(i);
  assert.deepEqual(fired, [4, 7]);
});

test('enabled: False for all beacons or one beacon stops them; run_once disables after one run', async () => {
  const off = make({ enabled: false, counter: [{ n: 1 }] }, { modules: { counter } });
  assert.deepEqual(await off.process(), []);
  const one = make({ counter: [{ n: 1 }, { enabled: false }] }, { modules: { counter } });
  assert.deepEqual(await one.process(), []);
  const once = make({ counter: [{ n: 1 }, { run_once: true }] }, { modules: { counter } });
  assert.equal((await once.process()).length, 1);
  assert.equal((await once.process()).length, 0);
  assert.deepEqual(once.list().counter, [{ n: 1 }, { run_once: true }, { enabled: false }]);
});

test('disable_during_state_run skips the beacon while a state.* job runs', async () => {
  let running: RunningJob[] = [{ jid: '1', fun: 'state.apply', arg: [], pid: 1 }];
  const jobs: JobRegistry = { list: () => running, get: () => undefined, kill: () => false };
  const b = make({ counter: [{ n: 1 }, { disable_during_state_run: true }] }, { modules: { counter }, jobs });
  assert.deepEqual(await b.process(), []);
  running = [{ jid: '2', fun: 'test.ping', arg: [], pid: 1 }];
  assert.equal((await b.process()).length, 1);
});

test('a beacon that throws yields an error event; invalid configs and unknown beacons are skipped', async () => {
  const b = make({ broken: [{}], counter: { n: 1 }, nope: [{}] }, { modules: { counter, broken } });
  assert.deepEqual(await b.process(), [{ tag: 'salt/beacon/m1/broken/', error: 'kaput', data: {}, beacon_name: 'broken' }]);
});

test('beacon_module runs another module under the configured name', async () => {
  const b = make({ mycount: [{ beacon_module: 'counter' }, { n: 2 }] }, { modules: { counter } });
  assert.deepEqual(await b.process(), [{ tag: 'salt/beacon/m1/mycount/sub', data: { n: 2, id: 'm1' }, beacon_name: 'counter' }]);
});

test('pillar beacons replace config beacons when present (config.merge with omit_opts)', async () => {
  const b = make({ counter: [{ n: 1 }] }, { modules: { counter }, pillar: { beacons: { counter: [{ n: 9 }] } } });
  assert.equal((await b.process())[0].data.n, 9);
  assert.deepEqual(b.add('counter', [{ n: 2 }]), { complete: false, comment: 'Cannot update beacon item counter, because it is configured in pillar.', beacons: { counter: [{ n: 1 }] } });
});

test('tick sends one batch through fireBatch', async () => {
  const batches: unknown[] = [];
  const b = make({ counter: [{ n: 1 }] }, { modules: { counter }, fireBatch: async (e) => batches.push(e) });
  await b.tick();
  assert.deepEqual(batches, [[{ tag: 'salt/beacon/m1/counter/sub', data: { n: 1, id: 'm1' }, beacon_name: 'counter' }]]);
});

test('management: add, modify, enable/disable one or all, delete, reset', () => {
  const b = make({}, { modules: { counter } });
  assert.deepEqual(b.add('counter', [{ n: 1 }]), { complete: true, comment: 'Added new beacon item: counter', beacons: { counter: [{ n: 1 }] } });
  assert.equal(b.add('counter', [{ n: 2 }]).comment, 'Updating settings for beacon item: counter');
  assert.deepEqual(b.disableBeacon('counter').beacons, { counter: [{ n: 2 }, { enabled: false }] });
  assert.deepEqual(b.enableBeacon('counter').beacons, { counter: [{ n: 2 }, { enabled: true }] });
  assert.deepEqual(b.disableAll().beacons, { counter: [{ n: 2 }, { enabled: true }], enabled: false });
  assert.equal(b.enableAll().beacons.enabled, true);
  assert.deepEqual(b.validate('counter', {}), { valid: false, vcomment: 'must be a list' });
  assert.deepEqual(b.listAvailable(), ['counter']);
  assert.equal(b.delete('counter').comment, 'Deleting beacon item: counter');
  assert.equal(b.delete('counter').comment, 'Beacon item counter not found.');
  b.add('counter', [{ n: 1 }]);
  assert.deepEqual(b.reset(), { complete: true, comment: 'Beacons have been reset', beacons: {} });
});

test('beacons.conf path follows conf_file and default_include', () => {
  assert.equal(beaconsConfPath({ conf_file: '/etc/salt/minion', default_include: 'minion.d/*.conf' }), '/etc/salt/minion.d/beacons.conf');
});

// ---- the built-in beacons with real system values ------------------------------------------

test('inotify reports create, modify and delete in a watched directory, with Salt\'s tag and mask names', async () => {
  const dir = join(root, 'watched');
  mkdirSync(dir);
  const b = make({ inotify: [{ files: { [dir]: { mask: ['create', 'delete', 'modify'], exclude: [join(dir, 'skip')] } } }] });
  assert.deepEqual(await b.process(), []);
  writeFileSync(join(dir, 'a.txt'), 'x');
  writeFileSync(join(dir, 'skipme'), 'x');
  mkdirSync(join(dir, 'sub'));
  await sleep(150);
  const created = await b.process();
  assert.ok(created.some((e) => e.tag === `salt/beacon/m1/inotify/${dir}` && e.data.path === join(dir, 'a.txt') && e.data.change === 'IN_CREATE'), JSON.stringify(created));
  assert.ok(created.some((e) => e.data.path === join(dir, 'sub') && e.data.change === 'IN_CREATE|IN_ISDIR'));
  assert.ok(!created.some((e) => String(e.data.path).startsWith(join(dir, 'skip'))), 'excluded prefix');
  assert.ok(created.every((e) => e.data.id === 'm1'));
  appendFileSync(join(dir, 'a.txt'), 'more');
  await sleep(150);
  assert.ok((await b.process()).some((e) => e.data.path === join(dir, 'a.txt') && e.data.change === 'IN_MODIFY'));
  unlinkSync(join(dir, 'a.txt'));
  await sleep(150);
  assert.ok((await b.process()).some((e) => e.data.path === join(dir, 'a.txt') && e.data.change === 'IN_DELETE'));
  b.stop();
});

test('inotify with only create in the mask ignores modifications; coalesce drops duplicates', async () => {
  const dir = join(root, 'watched2');
  mkdirSync(dir);
  const b = make({ inotify: [{ files: { [dir]: { mask: ['create'] } } }, { coalesce: true }] });
  await b.process();
  writeFileSync(join(dir, 'f'), 'x');
  appendFileSync(join(dir, 'f'), 'y');
  await sleep(150);
  const events = await b.process();
  assert.deepEqual(events.map((e) => e.data.change), ['IN_CREATE']);
  b.stop();
});

test('inotify validates Salt\'s config shape', async () => {
  const b = make({});
  assert.deepEqual(b.validate('inotify', [{ files: { '/tmp': { mask: ['bogus'] } } }]), { valid: false, vcomment: 'Configuration for inotify beacon invalid mask option bogus.' });
  assert.deepEqual(b.validate('inotify', [{ files: { '/tmp': {} } }]).valid, false);
  assert.deepEqual(b.validate('inotify', [{ coalesce: true }]).vcomment, 'Configuration for inotify beacon must include files.');
  assert.deepEqual(b.validate('inotify', [{ files: { '/tmp': { recurse: true } } }]), { valid: true, vcomment: 'Valid beacon configuration' });
});

test('diskusage fires for / when its use reaches the threshold', async () => {
  const fires = await make({ diskusage: [{ '/': '0%' }] }).process();
  assert.equal(fires.length, 1);
  assert.equal(fires[0].tag, 'salt/beacon/m1/diskusage/');
  assert.equal(fires[0].data.mount, '/');
  const pct = Number(fires[0].data.diskusage);
  assert.ok(pct >= 0 && pct <= 100);
  assert.deepEqual(await make({ diskusage: [{ '^/$': 101 }] }).process(), []);
});

test('load fires when an average leaves its range, with onchangeonly only on a crossing', async () => {
  const real = await make({ load: [{ averages: { '1m': [0, -1], '5m': [0, 1e9], '15m': [0, 1e9] } }] }).process();
  assert.equal(real.length, 1);
  assert.deepEqual(Object.keys(real[0].data), ['1m', '5m', '15m', 'id']);
  assert.deepEqual(await make({ load: [{ averages: { '1m': [-1, 1e9], '5m': [-1, 1e9], '15m': [-1, 1e9] } }] }).process(), []);
  const saved = loadSources.loadavg;
  try {
    let avg = [0.5, 0.5, 0.5];
    loadSources.loadavg = () => avg;
    const b = make({ load: [{ averages: { '1m': [0.1, 1], '5m': [0, 9], '15m': [0, 9] } }, { onchangeonly: true }, { emitatstartup: false }] });
    assert.deepEqual(await b.process(), []);
    avg = [2, 0.5, 0.5];
    assert.equal((await b.process()).length, 1);
    assert.deepEqual(await b.process(), [], 'still above: no new crossing');
  } finally {
    loadSources.loadavg = saved;
  }
  assert.equal(make({}).validate('load', [{ averages: { '1m': [1] } }]).valid, false);
});

test('memusage compares (total - available) / total with the percent', async () => {
  assert.equal((await make({ memusage: [{ percent: '0%' }] }).process()).length, 1);
  assert.deepEqual(await make({ memusage: [{ percent: 101 }] }).process(), []);
  const file = join(root, 'meminfo');
  writeFileSync(file, 'MemTotal:       1000 kB\nMemFree:         100 kB\nMemAvailable:    250 kB\n');
  const saved = memSources.meminfo;
  memSources.meminfo = file;
  try {
    const [ev] = await make({ memusage: [{ percent: 75 }] }).process();
    assert.equal(Number(ev.data.memusage), 75);
  } finally {
    memSources.meminfo = saved;
  }
});

test('ps reports running and stopped processes by name', async () => {
  const self = readFileSync('/proc/self/comm', 'utf8').trim();
  const events = await make({ ps: [{ processes: { [self]: 'running', 'no-such-proc-zz': 'stopped', 'also-missing': 'whatever' } }] }).process();
  assert.deepEqual(events.map((e) => e.data), [
    { [self]: 'Running', id: 'm1' },
    { 'no-such-proc-zz': 'Stopped', id: 'm1' },
    { 'also-missing': false, id: 'm1' },
  ]);
  const fake = join(root, 'proc');
  mkdirSync(join(fake, '42'), { recursive: true });
  writeFileSync(join(fake, '42', 'comm'), 'a-very-long-nam\n');
  writeFileSync(join(fake, '42', 'cmdline'), '/usr/bin/a-very-long-name-daemon\0--flag\0');
  const saved = psSources.procDir;
  psSources.procDir = fake;
  try {
    assert.equal((await make({ ps: [{ processes: { 'a-very-long-name-daemon': 'running' } }] }).process()).length, 1);
  } finally {
    psSources.procDir = saved;
  }
});

test('network_info fires on equal or greater counters of an interface', async () => {
  const real = await make({ network_info: [{ interfaces: { lo: { type: 'greater', bytes_recv: -1 } } }] }).process();
  assert.equal(real.length, 1);
  assert.equal(real[0].data.interface, 'lo');
  assert.deepEqual(Object.keys(real[0].data.network_info as Dict), ['bytes_sent', 'bytes_recv', 'packets_sent', 'packets_recv', 'errin', 'errout', 'dropin', 'dropout']);
  const file = join(root, 'netdev');
  writeFileSync(
    file,
    'Inter-|   Receive                                                |  Transmit\n face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed\n  eth0: 100 2 3 4 0 0 0 0 200 5 6 7 0 0 0 0\n',
  );
  const saved = netSources.netDev;
  netSources.netDev = file;
  try {
    const [ev] = await make({ network_info: [{ interfaces: { eth0: { type: 'equal', bytes_sent: 200 } } }] }).process();
    assert.deepEqual(ev.data.network_info, { bytes_sent: 200, bytes_recv: 100, packets_sent: 5, packets_recv: 2, errin: 3, errout: 6, dropin: 4, dropout: 7 });
    assert.deepEqual(await make({ network_info: [{ interfaces: { eth0: { bytes_sent: 1 } } }] }).process(), []);
  } finally {
    netSources.netDev = saved;
  }
});

test('service reports service.status, tagged by service, with onchangeonly', async () => {
  let running = true;
  const salt = async (fun: string, args: unknown[] = []) => {
    assert.equal(fun, 'service.status');
    return args[0] === 'sshd' ? running : false;
  };
  const plain = await make({ service: [{ services: { sshd: {}, nginx: { uncleanshutdown: '/nonexistent.pid' } } }] }, { salt }).process();
  assert.deepEqual(plain, [
    { tag: 'salt/beacon/m1/service/sshd', data: { sshd: { running: true }, service_name: 'sshd', id: 'm1' }, beacon_name: 'service' },
    { tag: 'salt/beacon/m1/service/nginx', data: { nginx: { running: false, uncleanshutdown: false }, service_name: 'nginx', id: 'm1' }, beacon_name: 'service' },
  ]);
  const b = make({ service: [{ services: { sshd: { onchangeonly: true } } }] }, { salt });
  assert.equal((await b.process()).length, 1, 'emitatstartup');
  assert.equal((await b.process()).length, 0);
  running = false;
  assert.equal((await b.process()).length, 1);
});
