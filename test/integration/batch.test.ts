/**
 * `salt -b` against a real master and ten real minions: the sliding window never runs more than
 * the batch size at once (measured from timestamps the jobs themselves write), percentages,
 * --failhard, and the switch to batch mode by --batch-safe-limit.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { TestCluster } from '../support/cluster.js';

const IDS = Array.from({ length: 10 }, (_, i) => `b${String(i).padStart(2, '0')}`);

/** A job that logs `start <ns>` and `end <ns>` around a sleep, plus the id of the minion running it. */
function loggedSleep(log: string, seconds: number): string {
  // The minion runs `sh -c`, so $PPID is the minion process, whose command line names its config dir.
  const id = `$(tr '\\0' '\\n' < /proc/$PPID/cmdline | grep -o 'minion-b[0-9]*' | head -n1)`;
  return `echo start $(date +%s%N) ${id} >> ${log}; sleep ${seconds}; echo end $(date +%s%N) ${id} >> ${log}`;
}

/** The highest number of jobs running at the same time, from a start/end log. */
function maxConcurrency(log: string): { max: number; starts: string[] } {
  const events = readFileSync(log, 'utf8')
    .trim()
    .split('\n')
    .map((l) => l.split(' '))
    .map(([kind, ns, id]) => ({ kind: kind!, t: BigInt(ns!), id: id! }));
  events.sort((a, b) => (a.t < b.t ? -1 : a.t > b.t ? 1 : a.kind === 'end' ? -1 : 1));
  let running = 0;
  let max = 0;
  for (const e of events) {
    running += e.kind === 'start' ? 1 : -1;
    max = Math.max(max, running);
  }
  return { max, starts: events.filter((e) => e.kind === 'start').map((e) => e.id) };
}

describe('salt -b (batch mode) with ten minions', () => {
  let cluster: TestCluster;

  before(async () => {
    cluster = await TestCluster.start({ minions: IDS });
  });
  after(async () => {
    await cluster?.stop();
  });

  test("salt '*' -b 3 never runs more than 3 minions at once and every minion returns", async () => {
    const log = join(cluster.root, 'b3.log');
    const r = await cluster.cli('salt', ['*', '-b', '3', 'cmd.run', loggedSleep(log, 1), '--out', 'json', '-t', '20'], { timeoutMs: 90_000 });
    assert.equal(r.code, 0, r.stderr + r.stdout);
    const { max, starts } = maxConcurrency(log);
    assert.equal(max, 3, `max concurrency ${max}`);
    assert.deepEqual([...starts].sort(), IDS.map((id) => `minion-${id}`));
    for (const id of IDS) assert.match(r.stdout, new RegExp(`"${id}": ""`));
    const windows = [...r.stdout.matchAll(/^Executing run on \[(.*)\]$/gm)].map((m) => m[1]!.split(', ').length);
    assert.ok(windows.every((n) => n <= 3), `windows ${windows.join(',')}`);
    assert.equal(windows.reduce((a, b) => a + b, 0), 10);
  });

  test("salt '*' -b 30% runs three at a time and prints Salt's batch return shape", async () => {
    const log = join(cluster.root, 'b30.log');
    const r = await cluster.cli('salt', ['*', '-b', '30%', 'cmd.run', loggedSleep(log, 0.5), '-t', '20'], { timeoutMs: 90_000 });
    assert.equal(r.code, 0, r.stderr + r.stdout);
    assert.equal(maxConcurrency(log).max, 3);
    assert.match(r.stdout, /^\nExecuting run on \['b00', 'b01', 'b02'\]\n\n/);
    // Each return is printed with the job's jid and retcode beside the minion, as Salt's batch does.
    for (const id of IDS) assert.match(r.stdout, new RegExp(`^${id}:\\n(    .*\\n)?jid:\\n    \\d{20}\\nretcode:\\n    0$`, 'm'));
  });

  test('--failhard stops starting minions after one fails, and the exit code is its retcode', async () => {
    const log = join(cluster.root, 'failhard.log');
    rmSync(log, { force: true });
    const cmd = `${loggedSleep(log, 0)}; grep -q minion-b01/ /proc/$PPID/cmdline && exit 3; sleep 1`;
    const r = await cluster.cli('salt', ['-L', IDS.join(','), '-b', '2', '--failhard', 'cmd.run', cmd, '-t', '20'], { timeoutMs: 90_000 });
    assert.equal(r.code, 3, r.stderr + r.stdout);
    assert.match(r.stderr, /Minion b01 returned with non-zero exit code\. Batch run stopped due to failhard/);
    assert.match(r.stdout, /^b01:\n(.*\n)*retcode:\n    3$/m);
    const started = maxConcurrency(log).starts.sort();
    assert.deepEqual(started, ['minion-b00', 'minion-b01'], `started: ${started.join(' ')}`);
    assert.equal([...r.stdout.matchAll(/Executing run on/g)].length, 1);
  });

  test('--batch-safe-limit switches to batch mode with Salt\'s notice', async () => {
    const r = await cluster.cli('salt', ['*', 'test.ping', '--batch-safe-limit', '5', '--batch-safe-size', '4', '--out', 'json', '-t', '20'], { timeoutMs: 60_000 });
    assert.equal(r.code, 0, r.stderr + r.stdout);
    assert.ok(r.stdout.startsWith('\nNOTICE: Too many minions targeted, switching to batch execution.\n'), r.stdout.slice(0, 200));
    const windows = [...r.stdout.matchAll(/^Executing run on \[(.*)\]$/gm)].map((m) => m[1]!.split(', ').length);
    assert.equal(windows[0], 4);
    for (const id of IDS) assert.match(r.stdout, new RegExp(`"${id}": true`));
    const small = await cluster.cli('salt', ['b0[12]', 'test.ping', '--batch-safe-limit', '5', '--out', 'json', '--static']);
    assert.deepEqual(JSON.parse(small.stdout), { b01: true, b02: true });
  });

  test('a batch with no matching minion prints both of Salt\'s lines and exits 0', async () => {
    const r = await cluster.cli('salt', ['nomatch*', '-b', '2', 'test.ping']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, 'No minions matched the target. No command was sent, no jid was assigned.\nNo minions matched the target.\n');
  });
});
