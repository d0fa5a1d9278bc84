/**
 * Batch execution (`salt -b N` / `-b N%`, Salt's salt/cli/batch.py): the targets are found first
 * with a `test.ping` publish (minions that do not answer are "down" and get no job), then the job
 * runs in a sliding window: a minion starts as soon as another one finishes, never more than the
 * batch size at once, each start being one publish to a `list` target.
 *
 * The engine ({@link runBatch}) only yields {@link BatchEvent}s; the program prints them
 * (see {@link batchStartText}, {@link batchReturnData}, {@link formatProgress}, {@link formatBatchSummary}).
 *
 * Differences from Salt, on purpose:
 * - Minions start in id order (Salt takes them in the arbitrary order of a Python set).
 * - A batch size that gives no minion at all (`0`, `0%`, negative) is refused as invalid data;
 *   Salt loops forever. After an invalid size Salt crashes; we stop with exit code 1.
 * - `--failhard` stops on any return whose `retcode` is non-zero, which includes a failing
 *   `cmd.run` (Salt issues #24996 and #44256 report batches that went on after one). The
 *   minions already running finish their jobs; their returns are awaited but not printed
 *   (Salt exits at once and leaves them running).
 */
import type { MinionReturn, PubData, PublishArgs } from './local_client.js';
import { pyRepr } from '../targeting/_pystr.js';

/** What a batch run needs from {@link LocalClient}. */
export interface BatchClient {
  listen(timeoutMs?: number): Promise<unknown>;
  pub(args: PublishArgs): Promise<PubData>;
  iterReturns(jid: string, minions: Iterable<string>, opts: { timeout: number; gatherJobTimeout: number; expectMinions: boolean }): AsyncGenerator<Record<string, MinionReturn>>;
}

/** A batch job: the publish and Salt's batch options. */
export interface BatchJob {
  tgt: string | string[];
  tgtType: string;
  fun: string | string[];
  arg: unknown[];
  /** `-b`: a count (`3`) or a share of the minions found (`30%`, `%30`). */
  batch: string | number;
  /** `--batch-wait`: seconds a finished minion's slot stays taken (default 0). */
  batchWait?: number;
  /** `--failhard`: start no more minions after a return with a non-zero retcode. */
  failhard?: boolean;
  /** Seconds to wait for returns (`-t`). */
  timeout: number;
  gatherJobTimeout: number;
  /** `--return`. */
  ret?: string;
  /** Extra publish keyword arguments (show_jid, ret_config, metadata...). */
  kwargs?: Record<string, unknown>;
}

/** One thing that happened in a batch run, in order. */
export type BatchEvent =
  /** The ping publish matched no minion. */
  | { type: 'no_minions' }
  /** The targets were resolved: `minions` answered the ping, `down` did not. */
  | { type: 'gathered'; minions: string[]; down: string[] }
  /** The batch size is not a count or a percentage (or gives no minion). */
  | { type: 'invalid_batch'; batch: string }
  /** A job was published to these minions. */
  | { type: 'start'; minions: string[]; jid: string | null }
  /**
   * A minion's return. `returned` is false for a minion whose job ended without a return (Salt
   * then shows an empty dict).
   */
  | { type: 'return'; minion: string; ret: unknown; out?: string; retcode: number; jid?: string; returned: boolean; hasRetcode: boolean }
  /** The master reported the minion missing from a list target. */
  | { type: 'failed'; minion: string }
  /** The run stops here because of `--failhard`. */
  | { type: 'failhard'; minion: string };

/** A batch size that is not a count or a percentage. */
export class InvalidBatchSizeError extends Error {
  override name = 'InvalidBatchSizeError';
  readonly code = 'EBATCHSIZE';
}

/** Salt's message for an invalid batch size. */
export function invalidBatchText(batch: string): string {
  return `Invalid batch data sent: ${batch}\nData must be in the form of %10, 10% or 3`;
}

/**
 * How many minions run at once (Salt's `get_bnum`): an integer count, or a percentage of
 * `minionCount` (a share under one minion rounds up to 1, otherwise it is truncated).
 * @throws InvalidBatchSizeError for anything else, or a size under 1.
 */
export function batchSize(batch: string | number, minionCount: number): number {
  const text = String(batch);
  let n: number;
  if (typeof batch === 'string' && text.includes('%')) {
    const share = text.replace(/^%+|%+$/g, '').trim();
    if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(share)) throw new InvalidBatchSizeError(invalidBatchText(text));
    const res = (Number(share) / 100) * minionCount;
    n = res < 1 ? Math.ceil(res) : Math.trunc(res);
    // No minion matched: Salt's loop never starts, so any share is fine.
    if (minionCount === 0) return Math.max(n, 1);
  } else {
    if (!/^\s*[+-]?\d+\s*$/.test(text)) throw new InvalidBatchSizeError(invalidBatchText(text));
    n = Number.parseInt(text, 10);
  }
  if (!(n >= 1)) throw new InvalidBatchSizeError(invalidBatchText(text));
  return n;
}

/** The line Salt prints before each publish: `\nExecuting run on ['a', 'b']\n` (ids sorted). */
export function batchStartText(minions: readonly string[]): string {
  const sorted = [...minions].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return `\nExecuting run on [${sorted.map((m) => pyRepr(m)).join(', ')}]\n`;
}

/** The line Salt prints for a minion that did not answer the ping. */
export function downMinionText(minion: string): string {
  return `Minion ${minion} did not respond. No job will be sent.`;
}

/** What Salt hands the outputter for one return in batch mode: `{retcode, jid, <id>: ret}`. */
export function batchReturnData(ev: Extract<BatchEvent, { type: 'return' }>): Record<string, unknown> {
  const data: Record<string, unknown> = {};
  if (ev.hasRetcode) data.retcode = ev.retcode;
  if (ev.jid !== undefined) data.jid = ev.jid;
  data[ev.minion] = ev.ret;
  return data;
}

/** The highest value of a retcode that may be a per-function dict (compound commands); 0 when none. */
export function retcodeValue(rc: unknown): number {
  if (rc && typeof rc === 'object') {
    const values = Object.values(rc as Record<string, unknown>).map(Number).filter((n) => !Number.isNaN(n));
    return values.length ? Math.max(...values) : 0;
  }
  return typeof rc === 'number' ? rc : 0;
}

interface Part {
  minion: string;
  ret?: MinionReturn;
  /** The job ended without this minion's return. */
  noReturn?: boolean;
}

/**
 * Finds the minions a target names (Salt's `gather_minions`): publishes `test.ping` and waits
 * for the answers. Returns null when no minion matched.
 */
export async function gatherMinions(client: BatchClient, job: BatchJob): Promise<{ minions: string[]; down: string[] } | null> {
  const pub = await client.pub({ tgt: job.tgt, tgtType: job.tgtType, fun: 'test.ping', arg: [], timeout: job.timeout, kwargs: job.kwargs?.delimiter ? { delimiter: job.kwargs.delimiter } : {} });
  if (!pub.jid || pub.minions.length === 0) return null;
  const up = new Set<string>();
  for await (const part of client.iterReturns(pub.jid, pub.minions, { timeout: job.timeout, gatherJobTimeout: job.gatherJobTimeout, expectMinions: false })) {
    for (const [id, r] of Object.entries(part)) if (!r.failed) up.add(id);
  }
  const byId = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
  return { minions: [...up].sort(byId), down: pub.minions.filter((m) => !up.has(m)).sort(byId) };
}

/**
 * Runs a batch job and yields what happens, in order. The client must be listening (see
 * {@link LocalClient.listen}) so no return is missed. Publish errors (authentication, timeout)
 * are thrown as LocalClient throws them.
 */
export async function* runBatch(client: BatchClient, job: BatchJob): AsyncGenerator<BatchEvent> {
  const gathered = await gatherMinions(client, job);
  if (!gathered) {
    yield { type: 'no_minions' };
    return;
  }
  const { minions, down } = gathered;
  yield { type: 'gathered', minions, down };
  let bnum: number;
  try {
    bnum = batchSize(job.batch, minions.length);
  } catch (err) {
    if (!(err instanceof InvalidBatchSizeError)) throw err;
    yield { type: 'invalid_batch', batch: String(job.batch) };
    return;
  }
  if (minions.length === 0) return;

  const waitMs = Math.max(0, Number(job.batchWait ?? 0)) * 1000;
  const toRun = [...minions];
  const active = new Set<string>();
  /** When each slot held by `--batch-wait` frees up (ms timestamps, ascending). */
  const waits: number[] = [];
  const finished = new Set<string>();
  const parts: Part[] = [];
  const errors: unknown[] = [];
  let wake: (() => void) | null = null;
  const notify = (): void => {
    const w = wake;
    wake = null;
    w?.();
  };
  const running = new Set<Promise<void>>();

  const runWindow = async (next: string[], pubDone: (jid: string | null) => void): Promise<void> => {
    let pub: PubData;
    try {
      pub = await client.pub({ tgt: next, tgtType: 'list', fun: job.fun, arg: job.arg, ret: job.ret ?? '', kwargs: job.kwargs, timeout: job.timeout });
    } catch (err) {
      pubDone(null);
      throw err;
    }
    pubDone(pub.jid);
    const returned = new Set<string>();
    if (pub.jid && pub.minions.length) {
      for await (const part of client.iterReturns(pub.jid, pub.minions, { timeout: job.timeout, gatherJobTimeout: job.gatherJobTimeout, expectMinions: false })) {
        for (const [minion, r] of Object.entries(part)) {
          returned.add(minion);
          parts.push({ minion, ret: r });
        }
        notify();
      }
    }
    for (const minion of next) if (!returned.has(minion)) parts.push({ minion, noReturn: true });
    notify();
  };

  try {
    while (finished.size < minions.length) {
      const now = Date.now();
      while (waits.length && waits[0]! <= now) waits.shift();
      let next: string[];
      if (toRun.length <= bnum - waits.length && active.size === 0) next = toRun.splice(0);
      else next = toRun.splice(0, Math.max(0, bnum - active.size - waits.length));
      if (next.length) {
        for (const m of next) active.add(m);
        let jid: string | null = null;
        const published = new Promise<void>((resolve) => {
          const task = runWindow(next, (j) => {
            jid = j;
            resolve();
          }).catch((err) => {
            errors.push(err);
            notify();
          });
          running.add(task);
          void task.finally(() => running.delete(task));
        });
        await published;
        if (errors.length) throw errors[0];
        yield { type: 'start', minions: next, jid };
      }
      if (!parts.length && !errors.length) {
        await new Promise<void>((resolve) => {
          wake = resolve;
          // A slot held by --batch-wait frees up on its own.
          if (waits.length && toRun.length) setTimeout(notify, Math.max(0, waits[0]! - Date.now()) + 1);
        });
      }
      if (errors.length) throw errors[0];
      while (parts.length) {
        const part = parts.shift()!;
        if (finished.has(part.minion)) continue;
        if (active.delete(part.minion) && waitMs) waits.push(Date.now() + waitMs);
        finished.add(part.minion);
        const r = part.ret;
        if (r?.failed) {
          yield { type: 'failed', minion: part.minion };
          if (job.failhard) {
            yield { type: 'failhard', minion: part.minion };
            return;
          }
          continue;
        }
        const hasRetcode = r !== undefined && r.retcode !== undefined;
        const retcode = retcodeValue(r?.retcode);
        const ev: BatchEvent = { type: 'return', minion: part.minion, ret: r ? r.ret : {}, retcode, returned: !part.noReturn, hasRetcode };
        if (r?.out !== undefined) ev.out = r.out;
        if (r?.jid !== undefined) ev.jid = r.jid;
        yield ev;
        if (job.failhard && retcode > 0) {
          yield { type: 'failhard', minion: part.minion };
          return;
        }
      }
    }
  } finally {
    // After --failhard the minions already started keep running their jobs; wait for those
    // returns (bounded by the job timeout) so no publish or event wait outlives the run.
    await Promise.allSettled([...running]);
  }
}

/**
 * The progress line for `-p` in batch mode. On a terminal, the bar Salt draws with the
 * `progressbar` package (percentage, bar, elapsed time, returns) sized to `columns`; otherwise
 * a plain line per return.
 */
export function formatProgress(done: number, total: number, elapsedMs: number, tty: boolean, columns = 80): string {
  const counter = `Returns: [${done}/${total}]`;
  if (!tty) return `${counter}\n`;
  const pct = total > 0 ? Math.floor((done / total) * 100) : 100;
  const secs = Math.floor(elapsedMs / 1000);
  const time = `${Math.floor(secs / 3600)}:${String(Math.floor(secs / 60) % 60).padStart(2, '0')}:${String(secs % 60).padStart(2, '0')}`;
  const left = `${String(pct).padStart(3)}% `;
  const right = ` Elapsed Time: ${time} ${counter}`;
  const inner = Math.max(1, columns - 1 - left.length - right.length - 2);
  const filled = total > 0 ? Math.floor((done / total) * inner) : inner;
  return `\r${left}|${'#'.repeat(filled)}${' '.repeat(inner - filled)}|${right}`;
}

/** One minion's outcome, for {@link formatBatchSummary}. */
export interface BatchOutcome {
  /** False when the minion was down or its job ended without a return. */
  returned: boolean;
  /** True when the minion did not answer the ping. */
  down?: boolean;
  retcode: number;
}

/**
 * The `--summary` block Salt prints after a run (its `_print_returns_summary` lines), for a
 * batch run: down minions and jobs that ended without a return count as not returned
 * ("not responding"); a non-zero retcode counts as an error.
 */
export function formatBatchSummary(outcomes: ReadonlyMap<string, BatchOutcome>, verbose: boolean): string {
  const notResponding: string[] = [];
  const failed: string[] = [];
  let returned = 0;
  for (const [id, o] of outcomes) {
    if (!o.returned) notResponding.push(id);
    else {
      returned++;
      if (o.retcode) failed.push(id);
    }
  }
  const lines = [
    '\n',
    '-------------------------------------------',
    'Summary',
    '-------------------------------------------',
    `# of minions targeted: ${outcomes.size}`,
    `# of minions returned: ${returned}`,
    `# of minions that did not return: ${notResponding.length}`,
    `# of minions with errors: ${failed.length}`,
  ];
  if (verbose) {
    if (notResponding.length) lines.push(`Minions not responding: ${notResponding.join(' ')}`);
    if (failed.length) lines.push(`Minions with failures: ${failed.join(' ')}`);
  }
  lines.push('-------------------------------------------');
  return lines.join('\n') + '\n';
}

/** How {@link runBatchCli} prints. */
export interface BatchCliUi {
  out(s: string): void;
  err(s: string): void;
  /** Salt's `display_output`: formats `data` with the outputter (`out`, else the configured one). */
  display(data: unknown, out: string, retcode: number): void;
  /** `--static`: print nothing while running, then every return as one dict. */
  quiet?: boolean;
  /** `--summary` (only when no `--out` was given, like Salt). */
  summary?: boolean;
  verbose?: boolean;
  /** `-p`: where the progress goes (stderr) and whether it is a terminal. */
  progress?: { write(s: string): void; tty: boolean; columns?: number } | null;
}

/**
 * `salt -b`: runs the batch and prints as Salt does: down minions, `Executing run on [...]`
 * before each publish, each return as it arrives (`{<id>: ret, retcode, jid}` with the
 * outputter). Returns the exit code: the highest retcode seen (Salt's `_run_batch`), 1 for an
 * invalid batch size; with `quiet` (`--static`), 0, or 2 when nothing returned.
 */
export async function runBatchCli(client: BatchClient, job: BatchJob, ui: BatchCliUi): Promise<number> {
  const started = Date.now();
  const outcomes = new Map<string, BatchOutcome>();
  const all: Record<string, unknown> = {};
  let total = 0;
  let done = 0;
  let exitCode = 0;
  const progress = (): void => {
    if (!ui.progress) return;
    ui.progress.write(formatProgress(done, total, Date.now() - started, ui.progress.tty, ui.progress.columns));
  };
  for await (const ev of runBatch(client, job)) {
    switch (ev.type) {
      case 'no_minions':
        ui.out('No minions matched the target. No command was sent, no jid was assigned.\n');
        if (!ui.quiet) ui.out('No minions matched the target.\n');
        break;
      case 'gathered':
        total = ev.minions.length;
        for (const m of ev.down) {
          outcomes.set(m, { returned: false, down: true, retcode: 0 });
          if (!ui.quiet) ui.out(`${downMinionText(m)}\n`);
        }
        progress();
        break;
      case 'invalid_batch':
        if (!ui.quiet) ui.out(`${invalidBatchText(ev.batch)}\n`);
        return 1;
      case 'start':
        if (!ui.quiet) ui.out(`${batchStartText(ev.minions)}\n`);
        break;
      case 'failed':
        done++;
        outcomes.set(ev.minion, { returned: false, retcode: 0 });
        if (!ui.quiet) ui.out(`Minion '${ev.minion}' failed to respond to job sent\n`);
        progress();
        break;
      case 'return':
        done++;
        outcomes.set(ev.minion, { returned: ev.returned, retcode: ev.retcode });
        all[ev.minion] = ev.ret;
        if (ev.retcode > exitCode) exitCode = ev.retcode;
        if (!ui.quiet) ui.display(batchReturnData(ev), ev.out ?? '', ev.retcode);
        progress();
        break;
      case 'failhard':
        ui.err(`[ERROR   ] Minion ${ev.minion} returned with non-zero exit code. Batch run stopped due to failhard\n`);
        break;
    }
  }
  if (ui.progress?.tty && total) ui.progress.write('\n');
  if (ui.quiet) {
    ui.display(all, '', 0);
    if (Object.keys(all).length === 0) {
      ui.err('ERROR: No return received\n');
      return 2;
    }
    return 0;
  }
  if (ui.summary && outcomes.size) ui.out(formatBatchSummary(outcomes, ui.verbose === true));
  return exitCode;
}
