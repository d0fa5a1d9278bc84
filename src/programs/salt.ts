/**
 * `salt TARGET FUNCTION [ARGS]`: publishes a job and prints each minion's return as it arrives,
 * with Salt's outputters and exit codes (salt/cli/salt.py behaviour).
 */
import { appendFileSync } from 'node:fs';
import { parseSaltArgv, type SaltCliPublish } from '../client/salt_options.js';
import { copyOptions, loadMasterConfig, overlayOptions } from '../config/index.js';
import { LocalClient, type MinionReturn } from '../client/local_client.js';
import { yamlifyArg } from '../args/yamlify.js';

type OutputModule = typeof import('../output/index.js');

/**
 * The outputters, loaded on first need: a publish starts loading them while the master and the
 * minions work, so their start-up cost is off the critical path.
 */
let outputModule: OutputModule | null = null;
let outputLoading: Promise<OutputModule> | null = null;

function loadOutput(): Promise<OutputModule> {
  outputLoading ??= import('../output/index.js').then((m) => (outputModule = m));
  return outputLoading;
}

type Opts = Record<string, unknown>;

interface Io {
  out(s: string): void;
  err(s: string): void;
}

/**
 * Standard output gathered per loop turn: the returns that arrive together leave in one write
 * (printing 10,000 returns was 10,000 write calls). Flushed before stderr and at exit, so
 * the order of the two streams and the last lines are kept.
 */
let pendingOut = '';
function flushOut(): void {
  if (!pendingOut) return;
  const text = pendingOut;
  pendingOut = '';
  process.stdout.write(text);
}
const stdio: Io = {
  out: (s) => {
    if (!pendingOut) setImmediate(flushOut);
    pendingOut += s;
  },
  err: (s) => {
    flushOut();
    process.stderr.write(s);
  },
};
process.once('exit', flushOut);

/** Salt's MergeConfigMixIn: command-line options fill the config, explicit ones override it. */
export function mergeCliOptions(config: Opts, options: Record<string, unknown>, explicit: ReadonlySet<string>): void {
  for (const [dest, value] of Object.entries(options)) {
    if (!(dest in config)) {
      if (value !== null && value !== undefined) config[dest] = value;
    } else if (value !== null && value !== undefined && explicit.has(dest)) {
      config[dest] = value;
    }
  }
}

/** `display_output`: format with the chosen outputter and print (or append to --out-file). */
function display(io: Io, data: unknown, out: string, opts: Opts, retcode = 0): void {
  let outName = out;
  if ('output' in opts && opts.output !== 'highstate' && opts.output) outName = String(opts.output);
  if (outName === 'text') outName = 'txt';
  if (!outName) outName = 'nested';
  const color = opts.force_color ? true : opts.no_color ? false : opts.color !== undefined ? Boolean(opts.color) : process.stdout.isTTY === true;
  if (!outputModule) throw new Error('display() before loadOutput() finished');
  const text = outputModule.formatOutput(data, outName, overlayOptions(opts, { color }) as never, { _retcode: retcode });
  if (!text) return;
  if (typeof opts.output_file === 'string' && opts.output_file) {
    appendFileSync(opts.output_file, text + '\n');
    return;
  }
  io.out(text + '\n');
}

function retcodeOf(r: MinionReturn): number {
  const rc = r.retcode as unknown;
  if (rc && typeof rc === 'object') return Math.max(0, ...Object.values(rc as Record<string, number>).map(Number));
  if (typeof rc === 'number' && rc !== 0) return rc;
  return 0;
}

export async function main(argv: string[], io: Io = stdio): Promise<number> {
  const parsed = parseSaltArgv(argv);
  if (!parsed.ok) {
    if (parsed.stdout) io.out(parsed.stdout);
    if (parsed.stderr) io.err(parsed.stderr);
    return parsed.exitCode;
  }
  if ('stdout' in parsed && parsed.stdout) io.out(String(parsed.stdout));
  if (parsed.action === 'versions-report') {
    const { versionsReport } = await import('../version.js');
    io.out(versionsReport().join('\n') + '\n');
    return 0;
  }
  let opts: Opts;
  try {
    opts = loadMasterConfig({ configDir: parsed.options.config_dir }) as unknown as Opts;
  } catch (err) {
    io.err(`${(err as Error).message}\n`);
    return 2;
  }
  mergeCliOptions(opts, parsed.options as unknown as Record<string, unknown>, parsed.explicit);
  if (parsed.action === 'config-dump') {
    await loadOutput();
    display(io, opts, 'yaml', { ...opts, output: 'yaml' });
    return 0;
  }
  if (opts.output_file && !opts.output_file_append) {
    try {
      appendFileSync(String(opts.output_file), '', { flag: 'w' });
    } catch (err) {
      io.err(`${(err as Error).message}\n`);
      return 73;
    }
  }
  const p = parsed as SaltCliPublish;
  opts.fun = p.fun;
  const client = new LocalClient(opts);
  try {
    return await runJob(io, client, p, opts);
  } finally {
    await client.close();
  }
}

async function runJob(io: Io, client: LocalClient, p: SaltCliPublish, opts: Opts): Promise<number> {
  const o = p.options;
  let timeout = Number(opts.timeout);
  if (!(timeout > 0)) timeout = 5;
  const kwargs: Record<string, unknown> = { show_timeout: o.show_timeout, show_jid: o.show_jid, delimiter: o.delimiter };
  if (o.return_config) kwargs.ret_config = o.return_config;
  if (o.return_kwargs && typeof o.return_kwargs === 'string') kwargs.ret_kwargs = yamlifyArg(o.return_kwargs);
  if (o.module_executors) kwargs.module_executors = yamlifyArg(o.module_executors);
  if (o.executor_opts) kwargs.executor_opts = yamlifyArg(o.executor_opts);
  if (o.metadata) kwargs.metadata = yamlifyArg(o.metadata);
  const pubArgs = { tgt: p.tgt, fun: p.fun, arg: p.arg, tgtType: p.tgtType, ret: o.return || '', kwargs, timeout };

  try {
    const batch = await batchSizeFor(io, p, opts);
    if (batch !== null) return await runBatchJob(io, client, p, opts, pubArgs, batch);
    if (opts.async) {
      const pub = await client.pub(pubArgs);
      if (!pub.jid || pub.minions.length === 0) {
        io.out('No minions matched the target. No command was sent, no jid was assigned.\n');
        io.out('Executed command with job ID: 0\n');
        return 0;
      }
      io.out(`Executed command with job ID: ${pub.jid}\n`);
      return 0;
    }
    await client.listen(timeout * 1000);
    const publishing = client.pub(pubArgs);
    // Load the outputters while the master and the minions work.
    const outputReady = loadOutput();
    outputReady.catch(() => undefined);
    const pub = await publishing;
    if (!pub.jid || pub.minions.length === 0) {
      io.out('No minions matched the target. No command was sent, no jid was assigned.\n');
      io.err('ERROR: No return received\n');
      return 2;
    }
    if (o.verbose) {
      const msg = `Executing job with jid ${pub.jid}`;
      io.out(`${msg}\n${'-'.repeat(msg.length)}\n\n`);
    } else if (o.show_jid) {
      io.out(`jid: ${pub.jid}\n`);
    }
    const iter = client.iterReturns(pub.jid, pub.minions, {
      timeout,
      gatherJobTimeout: Number(opts.gather_job_timeout ?? 10),
      expectMinions: o.verbose || o.show_timeout,
    });
    const all: Record<string, unknown> = {};
    const retcodes: number[] = [];
    let out = '';
    for await (const fullRet of iter) {
      if (!outputModule) await outputReady;
      for (const [id, r] of Object.entries(fullRet)) {
        if (r.failed && !o.show_timeout && !o.verbose) continue;
        all[id] = r.ret;
        const rc = retcodeOf(r);
        retcodes.push(rc);
        if (r.out) out = r.out;
        if (!o.static && p.fun !== 'sys.doc') display(io, { [id]: r.ret }, r.out ?? '', opts, rc);
      }
    }
    await outputReady;
    if (p.fun === 'sys.doc') {
      printDocs(io, all, opts);
    } else if (o.static) {
      display(io, all, out, opts, Math.max(0, ...retcodes));
      if (Object.keys(all).length === 0) {
        io.err('ERROR: No return received\n');
        return 2;
      }
    }
    if (opts.cli_summary === true && p.fun !== 'sys.doc' && !o.output) printSummary(io, all, o.verbose);
    if (retcodes.some((rc) => rc !== 0)) {
      io.err('ERROR: Minions returned with non-zero exit code\n');
      return 1;
    }
    return 0;
  } catch (err) {
    const e = err as Error;
    await loadOutput();
    if (['AuthenticationError', 'AuthorizationError', 'SaltReqTimeoutError', 'PublishError', 'EventBusConnectError'].includes(e.name)) {
      const msg =
        e.name === 'EventBusConnectError'
          ? 'Salt request timed out. The master is not responding. You may need to run your command with `--async` in order to bypass the congested event bus. With `--async`, the CLI tool will print the job id (jid) and exit immediately without listening for responses. You can then use `salt-run jobs.lookup_jid` to look up the results of the job in the job cache later.'
          : e.message;
      display(io, msg, '', opts, 1);
      return e.name === 'SaltReqTimeoutError' || e.name === 'EventBusConnectError' ? 1 : 0;
    }
    throw err;
  }
}

/**
 * The batch size when the job runs in batch mode: `-b`, or `--batch-safe-size` when
 * `--batch-safe-limit` is reached (Salt then prints its NOTICE); null otherwise.
 */
async function batchSizeFor(io: Io, p: SaltCliPublish, opts: Opts): Promise<string | number | null> {
  const o = p.options;
  if (o.batch) return o.batch;
  if (o.static || !(o.batch_safe_limit > 1)) return null;
  const { targetMinions } = await import('../runners/_common.js');
  if (targetMinions(opts, p.tgt, p.tgtType).length < o.batch_safe_limit) return null;
  io.out('\nNOTICE: Too many minions targeted, switching to batch execution.\n');
  return o.batch_safe_size;
}

/** `salt -b`: the sliding-window batch run of src/client/batch.ts, printed like Salt. */
async function runBatchJob(io: Io, client: LocalClient, p: SaltCliPublish, opts: Opts, pubArgs: { timeout: number; ret: string; kwargs: Record<string, unknown> }, batch: string | number): Promise<number> {
  const o = p.options;
  const { runBatchCli } = await import('../client/batch.js');
  await client.listen(pubArgs.timeout * 1000);
  await loadOutput();
  const job = {
    tgt: p.tgt,
    tgtType: p.tgtType,
    fun: p.fun,
    arg: p.arg,
    batch,
    batchWait: Number(opts.batch_wait ?? 0) || 0,
    failhard: opts.failhard === true,
    timeout: pubArgs.timeout,
    gatherJobTimeout: Number(opts.gather_job_timeout ?? 10),
    ret: pubArgs.ret,
    kwargs: pubArgs.kwargs,
  };
  return runBatchCli(client, job, {
    out: io.out,
    err: io.err,
    display: (data, out, retcode) => display(io, data, out, opts, retcode),
    quiet: o.static,
    summary: opts.cli_summary === true && p.fun !== 'sys.doc' && !o.output,
    verbose: o.verbose,
    progress: o.progress ? { write: io.err, tty: process.stderr.isTTY === true, columns: process.stderr.columns } : null,
  });
}

function printDocs(io: Io, ret: Record<string, unknown>, opts: Opts): void {
  const docs: Record<string, unknown> = {};
  for (const host of Object.keys(ret)) {
    const r = ret[host];
    if (!r || typeof r !== 'object') continue;
    for (const [fun, doc] of Object.entries(r as Record<string, unknown>)) if (!(fun in docs) && doc) docs[fun] = doc;
  }
  for (const fun of Object.keys(docs).sort()) {
    display(io, `${fun}:`, 'nested', copyOptions(opts, { output: 'nested' }));
    io.out(`${String(docs[fun])}\n\n`);
  }
}

function printSummary(io: Io, ret: Record<string, unknown>, verbose: boolean): void {
  let returned = 0;
  let notReturned = 0;
  const notConnected: string[] = [];
  const notResponding: string[] = [];
  for (const [id, r] of Object.entries(ret)) {
    if (typeof r === 'string' && r.startsWith('Minion did not return')) {
      if (r.includes('Not connected')) notConnected.push(id);
      else if (r.includes('No response')) notResponding.push(id);
      notReturned++;
    } else returned++;
  }
  const lines = ['\n', '-------------------------------------------', 'Summary', '-------------------------------------------', `# of minions targeted: ${returned + notReturned}`, `# of minions returned: ${returned}`, `# of minions that did not return: ${notReturned}`];
  if (verbose) {
    if (notConnected.length) lines.push(`Minions not connected: ${notConnected.join(' ')}`);
    if (notResponding.length) lines.push(`Minions not responding: ${notResponding.join(' ')}`);
  }
  lines.push('-------------------------------------------');
  io.out(lines.join('\n') + '\n');
}
