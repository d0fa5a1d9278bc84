import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  batchReturnData,
  batchSize,
  batchStartText,
  formatBatchSummary,
  formatProgress,
  InvalidBatchSizeError,
  retcodeValue,
  runBatch,
  runBatchCli,
  type BatchClient,
  type BatchEvent,
  type BatchJob,
} from './batch.js';
import type { MinionReturn, PubData, PublishArgs } from './local_client.js';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

interface FakeConfig {
  ids: string[];
  /** Minions that never answer anything. */
  down?: string[];
  /** Job run time per minion in ms (default 30). */
  durations?: Record<string, number>;
  retcodes?: Record<string, number>;
  /** Minions that answer the ping but never return the job. */
  silent?: string[];
}

/** A master and minions in memory: publishes are recorded, jobs "run" for their duration. */
class FakeClient implements BatchClient {
  readonly pubs: Array<{ tgt: string | string[]; fun: string | string[]; at: number }> = [];
  readonly jobs = new Map<string, { fun: string | string[]; minions: string[] }>();
  running = 0;
  maxRunning = 0;
  readonly startOrder: string[] = [];

  constructor(private readonly cfg: FakeConfig) {}

  async listen(): Promise<unknown> {
    return null;
  }

  async pub(args: PublishArgs): Promise<PubData> {
    await sleep(1);
    const minions = args.tgtType === 'list' ? (args.tgt as string[]) : this.cfg.ids.filter((id) => args.tgt === '*' || id === args.tgt);
    this.pubs.push({ tgt: args.tgt, fun: args.fun, at: Date.now() });
    if (minions.length === 0) return { jid: null, minions: [] };
    const jid = String(this.pubs.length);
    this.jobs.set(jid, { fun: args.fun, minions });
    if (args.fun !== 'test.ping') {
      for (const m of minions) this.startOrder.push(m);
      this.running += minions.length;
      this.maxRunning = Math.max(this.maxRunning, this.running);
    }
    return { jid, minions };
  }

  async *iterReturns(jid: string): AsyncGenerator<Record<string, MinionReturn>> {
    const job = this.jobs.get(jid)!;
    const down = new Set(this.cfg.down ?? []);
    if (job.fun === 'test.ping') {
      for (const m of job.minions) if (!down.has(m)) yield { [m]: { ret: true, retcode: 0, jid } };
      return;
    }
    const silent = new Set(this.cfg.silent ?? []);
    const order = [...job.minions].sort((a, b) => this.duration(a) - this.duration(b));
    const t0 = Date.now();
    for (const m of order) {
      await sleep(Math.max(0, t0 + this.duration(m) - Date.now()));
      this.running--;
      if (silent.has(m)) continue;
      yield { [m]: { ret: `ran on ${m}`, retcode: this.cfg.retcodes?.[m] ?? 0, jid } };
    }
  }

  private duration(m: string): number {
    return this.cfg.durations?.[m] ?? 30;
  }
}

const ids = (n: number): string[] => Array.from({ length: n }, (_, i) => `m${String(i).padStart(2, '0')}`);

function job(extra: Partial<BatchJob> = {}): BatchJob {
  return { tgt: '*', tgtType: 'glob', fun: 'test.sleep', arg: [1], batch: '3', timeout: 5, gatherJobTimeout: 5, ...extra };
}

async function collect(client: BatchClient, j: BatchJob): Promise<BatchEvent[]> {
  const out: BatchEvent[] = [];
  for await (const ev of runBatch(client, j)) out.push(ev);
  return out;
}

test('batchSize reads counts and percentages like Salt get_bnum', () => {
  assert.equal(batchSize('3', 10), 3);
  assert.equal(batchSize(8, 10), 8);
  assert.equal(batchSize(' 4 ', 10), 4);
  assert.equal(batchSize('30%', 10), 3);
  assert.equal(batchSize('%30', 10), 3);
  assert.equal(batchSize('25%', 10), 2, 'a share of 2.5 minions is truncated');
  assert.equal(batchSize('5%', 10), 1, 'a share under one minion rounds up');
  assert.equal(batchSize('100%', 7), 7);
});

test('batchSize refuses what is neither a count nor a percentage, naming the forms', () => {
  for (const bad of ['abc', '3.5', '', '0', '0%', '-2', 'x%']) {
    assert.throws(
      () => batchSize(bad, 10),
      (e: unknown) => e instanceof InvalidBatchSizeError && e.message === `Invalid batch data sent: ${bad}\nData must be in the form of %10, 10% or 3`,
      bad,
    );
  }
});

test('batchStartText prints the sorted ids as a Python list', () => {
  assert.equal(batchStartText(['web2', 'db1', "o'k"]), "\nExecuting run on ['db1', \"o'k\", 'web2']\n");
});

test('batchReturnData gives the outputter Salt-shaped data: retcode, jid, then the minion', () => {
  const data = batchReturnData({ type: 'return', minion: 'm1', ret: true, retcode: 0, jid: '2024', returned: true, hasRetcode: true });
  assert.deepEqual(Object.keys(data), ['retcode', 'jid', 'm1']);
  assert.deepEqual(batchReturnData({ type: 'return', minion: 'm1', ret: {}, retcode: 0, returned: false, hasRetcode: false }), { m1: {} });
});

test('retcodeValue takes the highest value of a compound retcode dict', () => {
  assert.equal(retcodeValue({ 'test.ping': 0, 'cmd.run': 2 }), 2);
  assert.equal(retcodeValue({}), 0);
  assert.equal(retcodeValue(undefined), 0);
  assert.equal(retcodeValue(5), 5);
});

test('runBatch keeps a sliding window: never more than N running, a new minion starts as soon as one ends', async () => {
  const durations: Record<string, number> = { m00: 20, m01: 120, m02: 120 };
  const client = new FakeClient({ ids: ids(8), durations });
  const events = await collect(client, job({ batch: '3' }));
  assert.ok(client.maxRunning <= 3, `max running ${client.maxRunning}`);
  assert.equal(client.maxRunning, 3);
  const returns = events.filter((e) => e.type === 'return');
  assert.deepEqual(returns.map((e) => e.minion).sort(), ids(8));
  const starts = events.filter((e): e is Extract<BatchEvent, { type: 'start' }> => e.type === 'start');
  assert.deepEqual(starts[0]!.minions, ['m00', 'm01', 'm02']);
  // m00 ends first: m03 starts alone while m01 and m02 still run (no waiting for the window).
  assert.deepEqual(starts[1]!.minions, ['m03']);
  const m03Start = events.findIndex((e) => e.type === 'start' && e.minions.includes('m03'));
  const m01Return = events.findIndex((e) => e.type === 'return' && e.minion === 'm01');
  assert.ok(m03Start < m01Return);
});

test('runBatch publishes the job to list targets, after a test.ping to the original target', async () => {
  const client = new FakeClient({ ids: ids(4) });
  await collect(client, job({ batch: '2' }));
  assert.equal(client.pubs[0]!.fun, 'test.ping');
  assert.equal(client.pubs[0]!.tgt, '*');
  for (const p of client.pubs.slice(1)) {
    assert.equal(p.fun, 'test.sleep');
    assert.ok(Array.isArray(p.tgt));
  }
});

test('runBatch with a percentage sizes the window from the minions found', async () => {
  const client = new FakeClient({ ids: ids(10) });
  const events = await collect(client, job({ batch: '30%' }));
  assert.equal(client.maxRunning, 3);
  assert.equal(events.filter((e) => e.type === 'return').length, 10);
});

test('runBatch reports minions that missed the ping as down and sends them no job', async () => {
  const client = new FakeClient({ ids: ids(4), down: ['m02'] });
  const events = await collect(client, job({ batch: '2' }));
  assert.deepEqual(events[0], { type: 'gathered', minions: ['m00', 'm01', 'm03'], down: ['m02'] });
  assert.ok(!client.startOrder.includes('m02'));
  assert.equal(events.filter((e) => e.type === 'return').length, 3);
});

test('runBatch --failhard starts nobody after a non-zero retcode', async () => {
  const client = new FakeClient({ ids: ids(6), retcodes: { m01: 1 }, durations: { m00: 10, m01: 20 } });
  const events = await collect(client, job({ batch: '2', failhard: true }));
  const last = events.at(-1)!;
  assert.deepEqual(last, { type: 'failhard', minion: 'm01' });
  const failing = events.find((e) => e.type === 'return' && e.minion === 'm01');
  assert.ok(failing && failing.type === 'return' && failing.retcode === 1);
  // m00 ended first and m02 took its slot; after m01 failed nothing else was started.
  assert.deepEqual(client.startOrder, ['m00', 'm01', 'm02']);
});

test('runBatch without --failhard runs everyone even after a failure', async () => {
  const client = new FakeClient({ ids: ids(5), retcodes: { m00: 3 } });
  const events = await collect(client, job({ batch: '2' }));
  assert.equal(events.filter((e) => e.type === 'return').length, 5);
});

test('runBatch gives a minion whose job ended without a return an empty dict', async () => {
  const client = new FakeClient({ ids: ids(3), silent: ['m01'] });
  const events = await collect(client, job({ batch: '3' }));
  const m01 = events.find((e) => e.type === 'return' && e.minion === 'm01');
  assert.ok(m01 && m01.type === 'return');
  assert.deepEqual(m01.ret, {});
  assert.equal(m01.returned, false);
  assert.equal(m01.hasRetcode, false);
});

test('runBatch --batch-wait keeps a finished slot taken for the wait', async () => {
  const client = new FakeClient({ ids: ids(2), durations: { m00: 10, m01: 10 } });
  await collect(client, job({ batch: '1', batchWait: 0.15 }));
  const [, first, second] = client.pubs;
  assert.ok(second!.at - first!.at >= 150, `second start ${second!.at - first!.at} ms after the first`);
});

test('runBatch with no matching minion yields no_minions and publishes no job', async () => {
  const client = new FakeClient({ ids: ids(2) });
  const events = await collect(client, job({ tgt: 'nomatch' }));
  assert.deepEqual(events, [{ type: 'no_minions' }]);
  assert.equal(client.pubs.length, 1);
});

function capture(): { out: string[]; err: string[]; shown: Array<[unknown, string, number]>; ui: Parameters<typeof runBatchCli>[2] } {
  const out: string[] = [];
  const err: string[] = [];
  const shown: Array<[unknown, string, number]> = [];
  return {
    out,
    err,
    shown,
    ui: { out: (s) => out.push(s), err: (s) => err.push(s), display: (d, o, rc) => shown.push([d, o, rc]) },
  };
}

test('runBatchCli prints Executing run on, each return, and exits with the highest retcode', async () => {
  const c = capture();
  const client = new FakeClient({ ids: ids(3), retcodes: { m01: 2, m02: 1 }, down: [] });
  const code = await runBatchCli(client, job({ batch: '3' }), c.ui);
  assert.equal(code, 2);
  assert.equal(c.out[0], "\nExecuting run on ['m00', 'm01', 'm02']\n\n");
  assert.equal(c.shown.length, 3);
  const m01 = c.shown.find(([d]) => 'm01' in (d as object))!;
  assert.deepEqual(m01[0], { retcode: 2, jid: '2', m01: 'ran on m01' });
  assert.equal(c.err.length, 0);
});

test('runBatchCli prints down minions and the failhard error line', async () => {
  const c = capture();
  const client = new FakeClient({ ids: ids(3), down: ['m02'], retcodes: { m00: 1 } });
  const code = await runBatchCli(client, job({ batch: '1', failhard: true }), c.ui);
  assert.equal(code, 1);
  assert.equal(c.out[0], 'Minion m02 did not respond. No job will be sent.\n');
  assert.deepEqual(c.err, ['[ERROR   ] Minion m00 returned with non-zero exit code. Batch run stopped due to failhard\n']);
  assert.equal(c.shown.length, 1);
});

test('runBatchCli with no matching minion prints both of Salt\'s lines and exits 0', async () => {
  const c = capture();
  const code = await runBatchCli(new FakeClient({ ids: [] }), job(), c.ui);
  assert.equal(code, 0);
  assert.deepEqual(c.out, ['No minions matched the target. No command was sent, no jid was assigned.\n', 'No minions matched the target.\n']);
});

test('runBatchCli reports an invalid batch size with exit code 1 and publishes no job', async () => {
  const c = capture();
  const client = new FakeClient({ ids: ids(2) });
  const code = await runBatchCli(client, job({ batch: 'lots' }), c.ui);
  assert.equal(code, 1);
  assert.deepEqual(c.out, ['Invalid batch data sent: lots\nData must be in the form of %10, 10% or 3\n']);
  assert.equal(client.pubs.length, 1);
});

test('runBatchCli quiet (--static) prints one dict at the end', async () => {
  const c = capture();
  const code = await runBatchCli(new FakeClient({ ids: ids(2), retcodes: { m00: 1 } }), job({ batch: '1' }), { ...c.ui, quiet: true });
  assert.equal(code, 0);
  assert.deepEqual(c.out, []);
  assert.deepEqual(c.shown, [[{ m00: 'ran on m00', m01: 'ran on m01' }, '', 0]]);
});

test('runBatchCli --summary and --progress', async () => {
  const c = capture();
  const progress: string[] = [];
  await runBatchCli(new FakeClient({ ids: ids(3), down: ['m02'], retcodes: { m01: 1 } }), job({ batch: '2' }), {
    ...c.ui,
    summary: true,
    verbose: true,
    progress: { write: (s) => progress.push(s), tty: false },
  });
  assert.deepEqual(progress, ['Returns: [0/2]\n', 'Returns: [1/2]\n', 'Returns: [2/2]\n']);
  const summary = c.out.at(-1)!;
  assert.match(summary, /# of minions targeted: 3\n# of minions returned: 2\n# of minions that did not return: 1\n# of minions with errors: 1\n/);
  assert.match(summary, /Minions not responding: m02\nMinions with failures: m01\n/);
});

test('formatProgress draws a bar on a terminal and a plain line otherwise', () => {
  assert.equal(formatProgress(3, 10, 1500, false), 'Returns: [3/10]\n');
  const bar = formatProgress(5, 10, 61_000, true, 60);
  assert.ok(bar.startsWith('\r 50% |'));
  assert.ok(bar.endsWith('| Elapsed Time: 0:01:01 Returns: [5/10]'));
  assert.equal(bar.length - 1, 59);
  const inner = bar.slice(bar.indexOf('|') + 1, bar.lastIndexOf('|'));
  assert.equal(inner.replace(/ /g, '').length, Math.floor(inner.length / 2));
});

test('formatBatchSummary counts returned, not returned and errors like Salt', () => {
  const text = formatBatchSummary(
    new Map([
      ['a', { returned: true, retcode: 0 }],
      ['b', { returned: false, retcode: 0 }],
    ]),
    false,
  );
  assert.equal(
    text,
    '\n\n-------------------------------------------\nSummary\n-------------------------------------------\n# of minions targeted: 2\n# of minions returned: 1\n# of minions that did not return: 1\n# of minions with errors: 0\n-------------------------------------------\n',
  );
});
