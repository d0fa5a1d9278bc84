/**
 * The reactor against a real master and a real minion: on `salt/minion/<id>/start` it renders a
 * reaction with the event's data and runs `local.cmd.run` on that minion, which writes a marker
 * file; a runner reaction runs in the master's process.
 *
 * The master does not start its reactor by itself yet (the daemon wiring is pending), so this
 * test runs a Reactor in the test process over the master's real event bus (an EventClient on
 * its sock_dir) with the master's own config: the same code path the daemon will use.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadMasterConfig } from '../../src/config/index.js';
import { EventClient } from '../../src/events/client.js';
import { connectedMinionIds, PresenceTracker, Reactor } from '../../src/reactor/index.js';
import { busOptions } from '../../src/runners/_bus.js';
import { TestCluster } from '../support/cluster.js';

describe('reactor', () => {
  let cluster: TestCluster;
  let base: string;
  let out: string;
  let bus: EventClient;
  let reactor: Reactor;
  let opts: Record<string, unknown>;
  const errors: string[] = [];

  before(async () => {
    base = join(process.env.TMPDIR ?? '/tmp', `salt-ts-reactor-${process.pid}`);
    out = join(base, 'out');
    const reactors = join(base, 'reactor');
    mkdirSync(out, { recursive: true });
    mkdirSync(reactors, { recursive: true });
    writeFileSync(
      join(reactors, 'start.sls'),
      [
        "mark_{{ data['id'] }}:",
        '  local.cmd.run:',
        "    - tgt: {{ data['id'] }}",
        '    - args:',
        `      - cmd: echo "{{ tag }}" > ${out}/{{ data['id'] }}.started`,
        '',
      ].join('\n'),
    );
    writeFileSync(join(reactors, 'custom.sls'), "fire_back:\n  runner.event.send:\n    - args:\n      - tag: reacted/{{ data['n'] }}\n");
    cluster = await TestCluster.start({ minions: [] });
    opts = loadMasterConfig({ configDir: cluster.masterConfigDir }) as unknown as Record<string, unknown>;
    opts.reactor = [{ 'salt/minion/*/start': [join(reactors, 'start.sls')] }, { 'custom/*': join(reactors, 'custom.sls') }];
    bus = new EventClient(busOptions(opts));
    await bus.connectPub();
    const log = { error: (m: string) => void errors.push(m), warn() {}, info() {}, debug() {}, trace() {}, critical() {}, child: () => log } as never;
    reactor = new Reactor(opts, { log }).start((listener) => {
      bus.on('event', listener);
      return () => bus.off('event', listener);
    });
  });
  after(async () => {
    await reactor?.stop();
    await bus?.close();
    await cluster?.stop();
    rmSync(base, { recursive: true, force: true });
  });

  test('a minion start event makes the reactor run cmd.run on that minion', async () => {
    cluster.startMinion('m1');
    const marker = join(out, 'm1.started');
    await cluster.waitFor(() => existsSync(marker) && readFileSync(marker, 'utf8').length > 0, 30_000, `the reaction to write ${marker} (reactor errors: ${errors.join('; ')})`);
    assert.equal(readFileSync(marker, 'utf8'), 'salt/minion/m1/start\n');
    assert.deepEqual(errors, []);
  });

  test('a runner reaction runs on the master and its own events do not trigger reactions', async () => {
    bus.subscribe('reacted/');
    const fired = await cluster.cli('salt-run', ['event.send', 'custom/thing', '{"n": 7}']);
    assert.equal(fired.stdout, 'True\n', fired.stderr);
    const ev = await bus.getEvent({ tag: 'reacted/', timeout: 20_000 });
    assert.equal(ev?.tag, 'reacted/7');
    await reactor.idle();
    assert.equal(reactor.stats.failed, 0, errors.join('; '));
  });

  test('presence: the connected minion is found on the publish port and reported as new, then present', async () => {
    await cluster.waitForMinions(['m1']);
    const fired: Array<[string, unknown]> = [];
    const tracker = new PresenceTracker((tag, data) => void fired.push([tag, data]));
    await cluster.waitFor(() => connectedMinionIds(opts).includes('m1'), 10_000, 'm1 to show as connected');
    tracker.update(connectedMinionIds(opts));
    assert.deepEqual(fired, [
      ['salt/presence/change', { new: ['m1'], lost: [] }],
      ['salt/presence/present', { present: ['m1'] }],
    ]);
  });
});
