/**
 * What the benchmarks share: timing a program from spawn to exit, summary statistics, the
 * `node -e 0` baseline, reading a process's RSS, the machine description, and the JSON line each
 * benchmark prints. Benchmarks are scripts (`node dist/bench/<name>.js`), never part of `npm test`.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { cpus, freemem, totalmem } from 'node:os';

/** Median, 90th percentile and spread of a list of samples (milliseconds or MiB). */
export interface Summary {
  n: number;
  median: number;
  p90: number;
  min: number;
  max: number;
}

/** Nearest-rank percentile `q` (0..1) of `sorted` (ascending). */
function percentile(sorted: number[], q: number): number {
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[i]!;
}

/** Rounds to 0.1. */
export function round1(x: number): number {
  return Math.round(x * 10) / 10;
}

/**
 * Summarises samples: median (the mean of the two middle ones for an even count), nearest-rank
 * p90, min and max, rounded to 0.1.
 * @throws Error for an empty list.
 */
export function summarize(samples: number[]): Summary {
  if (samples.length === 0) throw new Error('summarize: expected at least one sample, got none');
  const s = [...samples].sort((a, b) => a - b);
  const mid = s.length >> 1;
  const median = s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
  return { n: s.length, median: round1(median), p90: round1(percentile(s, 0.9)), min: round1(s[0]!), max: round1(s[s.length - 1]!) };
}

/** One finished program run. */
export interface TimedRun {
  /** Wall time from spawn to exit, in milliseconds. */
  ms: number;
  /** CPU time (user + system) of the program, in milliseconds; null without GNU time. */
  cpuMs: number | null;
  code: number | null;
  stdout: string;
  stderr: string;
}

/** GNU time, used to read a child's CPU time; absent on some machines. */
const GNU_TIME = '/usr/bin/time';
const CPU_MARK = '@@bench-cpu ';
const hasGnuTime = existsSync(GNU_TIME);

/**
 * Runs `file args` to completion and measures the wall time from just before `spawn` to the
 * child's exit (stdio closed), as a shell user would see it, and (through GNU time, when
 * installed, which adds its own exec to the wall time of every run alike) the child's CPU time.
 */
export function timeRun(file: string, args: string[], env: NodeJS.ProcessEnv = process.env): Promise<TimedRun> {
  const [cmd, argv] = hasGnuTime ? [GNU_TIME, ['-f', `${CPU_MARK}%U %S`, file, ...args]] : [file, args];
  return new Promise((resolve, reject) => {
    const start = process.hrtime.bigint();
    const child = spawn(cmd, argv, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => {
      const ms = Number(process.hrtime.bigint() - start) / 1e6;
      let cpuMs: number | null = null;
      const at = stderr.lastIndexOf(CPU_MARK);
      if (at >= 0) {
        const [user, sys] = stderr.slice(at + CPU_MARK.length).trim().split(' ').map(Number);
        cpuMs = ((user ?? 0) + (sys ?? 0)) * 1000;
        stderr = stderr.slice(0, at);
      }
      resolve({ ms, cpuMs, code, stdout, stderr });
    });
  });
}

/** Runs `node -e 0` once: the floor every Node program pays on this machine. */
export function timeNodeBaseline(): Promise<TimedRun> {
  return timeRun(process.execPath, ['-e', '0']);
}

/** Wall and CPU times (ms) of the subject and of the baseline; CPU lists are empty without GNU time. */
export interface Samples {
  subject: number[];
  baseline: number[];
  subjectCpu: number[];
  baselineCpu: number[];
}

/** Summary of CPU samples, or null when none were taken. */
export function summarizeCpu(samples: number[]): Summary | null {
  return samples.length ? summarize(samples) : null;
}

/**
 * Measures `subject` and the `node -e 0` baseline alternately (`warmup` unrecorded rounds first),
 * so load from other processes affects both alike.
 * @throws Error when a subject run fails `check`.
 */
export async function interleaved(n: number, warmup: number, subject: () => Promise<TimedRun>, check: (r: TimedRun) => string | null): Promise<Samples> {
  const out: Samples = { subject: [], baseline: [], subjectCpu: [], baselineCpu: [] };
  for (let i = 0; i < warmup + n; i++) {
    const b = await timeNodeBaseline();
    const r = await subject();
    const why = check(r);
    if (why) throw new Error(`run ${i + 1}: ${why}\nstdout: ${r.stdout}\nstderr: ${r.stderr}`);
    if (i >= warmup) {
      out.baseline.push(b.ms);
      out.subject.push(r.ms);
      if (b.cpuMs !== null) out.baselineCpu.push(b.cpuMs);
      if (r.cpuMs !== null) out.subjectCpu.push(r.cpuMs);
    }
  }
  return out;
}

/** A process's memory from `/proc/<pid>/status`, in MiB. */
export interface ProcMemory {
  /** Resident set size (`VmRSS`), all threads of the process included. */
  rssMiB: number;
  /** Peak resident set size (`VmHWM`). */
  hwmMiB: number;
  /** Anonymous (heap, stacks) part of the RSS (`RssAnon`). */
  anonMiB: number;
  /** File-backed part of the RSS (`RssFile`: the node binary, shared libraries). */
  fileMiB: number;
  threads: number;
}

/**
 * Reads `/proc/<pid>/status`.
 * @throws Error when the process does not exist (or not on Linux).
 */
export function procMemory(pid: number): ProcMemory {
  const text = readFileSync(`/proc/${pid}/status`, 'utf8');
  const field = (name: string): number => {
    const m = new RegExp(`^${name}:\\s+(\\d+)`, 'm').exec(text);
    if (!m) throw new Error(`/proc/${pid}/status has no ${name} line`);
    return Number(m[1]);
  };
  const mib = (kb: number): number => round1(kb / 1024);
  return { rssMiB: mib(field('VmRSS')), hwmMiB: mib(field('VmHWM')), anonMiB: mib(field('RssAnon')), fileMiB: mib(field('RssFile')), threads: field('Threads') };
}

/** Pids of the direct children of `pid` (to check a daemon forked nothing we would miss). */
export function childPids(pid: number): number[] {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

/** The machine a figure was measured on. */
export function machine(): Record<string, unknown> {
  let load: string | undefined;
  try {
    load = readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
  } catch {
    load = undefined;
  }
  return {
    node: process.version,
    nproc: cpus().length,
    cpu: cpus()[0]?.model,
    mem_total_gib: round1(totalmem() / 2 ** 30),
    mem_free_gib: round1(freemem() / 2 ** 30),
    loadavg: load,
    date: new Date().toISOString(),
  };
}

/** Reads `--name value` from argv as a positive integer, else `fallback`. */
export function intArg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  if (i < 0) return fallback;
  const v = Number(process.argv[i + 1]);
  if (!Number.isInteger(v) || v < 0) throw new Error(`--${name} expects a non-negative integer, got ${process.argv[i + 1]}`);
  return v;
}

/** Prints the benchmark's one-line JSON summary on stdout. */
export function report(result: Record<string, unknown>): void {
  process.stdout.write(JSON.stringify(result) + '\n');
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
