/**
 * The minion swarm benchmark: one real salt-master (bin/salt-master, its own process) and N real
 * minions (the `Minion` class, packed into a few host processes) on loopback in a temporary root;
 * measures the auth storm, `salt '*' test.ping` rounds through the real CLI, a 64 KiB publish,
 * 100 concurrent jobs, the master's memory, CPU and job cache use; tears everything down and
 * prints one JSON object as its last line.
 *
 *   npm run swarm -- --minions N [--rounds R] [--storm S] [--hosts H] [--skip-load] [--keep] [--hold S] [--master-config JSON] [--minion-config JSON]
 *
 * Keys: minion n uses cached 2048-bit key n (bench/swarm/keys.ts); missing keys are generated
 * first (about 0.3 s of one core each). The first S minions (default min(N, 1000)) are new to the
 * master and sign in all at once with `auto_accept` (the auth storm, timed); the others are
 * pre-accepted (their key written to `pki_dir/minions/<id>`) and then sign in normally, a few
 * hundred at a time.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadMasterConfig, loadMinionConfig } from '../../src/config/index.js';
import { LocalClient } from '../../src/client/local_client.js';
import { LocalJobCache } from '../../src/jobs/local_cache.js';
import { binPath, freePort } from '../../test/support/cluster.js';
import { machine, procMemory, round1 } from '../_support.js';
import { ensureSwarmKeys } from './keys.js';
import { openFilesLimit } from '../../src/daemons/master/open_files.js';
import type { HostCommand, HostConfig, HostReply, HostStats } from './host.js';

/** What one swarm run measured (the last line printed, as JSON). */
export interface SwarmResult {
  minions: number;
  hosts: number;
  rounds: number;
  /** Minions in the auth storm (new keys, auto_accept), and the seconds until all had signed in. */
  auth_minions: number;
  auth_s: number;
  /** Seconds to bring up the remaining, pre-accepted minions. */
  startup_rest_s: number;
  /** `salt '*' test.ping` wall time of the CLI process (spawn to exit, all returns printed). */
  ping_p50_s: number;
  ping_p99_s: number;
  ping_rounds_s: number[];
  /** Returns expected but not printed by the CLI, over all ping rounds (and the other phases). */
  lost: number;
  /** Peak RSS of the master process (VmHWM) and its RSS with every minion connected and idle. */
  master_rss_mib: number;
  master_rss_idle_mib: number;
  master_fds_peak: number;
  [k: string]: unknown;
}

/** Options of a swarm run (the command-line flags). */
export interface SwarmArgs {
  minions: number;
  rounds: number;
  storm: number;
  hosts: number;
  skipLoad: boolean;
  keep: boolean;
  /** Seconds to keep the warmed-up swarm idle before the rounds, for running `salt -c DIR` by hand. */
  hold?: number;
  /** Extra master options (JSON), e.g. `{"zmq_backlog": 4096}`. */
  masterConfig?: Record<string, unknown>;
  /** Extra options for every minion (JSON), e.g. `{"zmq_filtering": true}`. */
  minionConfig?: Record<string, unknown>;
  /** Key cache directory (default: keys.ts defaultKeyDir). */
  keyDir?: string;
}

const PING_TIMEOUT_S = 60;
const FIXED_GRAINS = { kernel: 'Linux', os: 'Debian', os_family: 'Debian', osfinger: 'Debian-12', saltversion: '3006.10', swarm: true };
const here = fileURLToPath(new URL('.', import.meta.url));

function parseArgs(argv: string[]): SwarmArgs {
  const num = (name: string, fallback: number | undefined): number => {
    const i = argv.indexOf(`--${name}`);
    if (i < 0) {
      if (fallback === undefined) throw new Error(`--${name} is required (e.g. npm run swarm -- --minions 1000)`);
      return fallback;
    }
    const v = Number(argv[i + 1]);
    if (!Number.isInteger(v) || v < 0) throw new Error(`--${name} expects a non-negative integer, got ${argv[i + 1]}`);
    return v;
  };
  const minions = num('minions', undefined);
  if (minions < 1) throw new Error('--minions must be at least 1');
  return {
    minions,
    rounds: Math.max(1, num('rounds', 5)),
    storm: Math.min(minions, num('storm', Math.min(minions, 1000))),
    hosts: num('hosts', 0),
    skipLoad: argv.includes('--skip-load'),
    keep: argv.includes('--keep'),
    hold: num('hold', 0),
    keyDir: argv.includes('--keys-dir') ? argv[argv.indexOf('--keys-dir') + 1] : undefined,
    masterConfig: argv.includes('--master-config') ? (JSON.parse(argv[argv.indexOf('--master-config') + 1]!) as Record<string, unknown>) : undefined,
    minionConfig: argv.includes('--minion-config') ? (JSON.parse(argv[argv.indexOf('--minion-config') + 1]!) as Record<string, unknown>) : undefined,
  };
}

const idOf = (i: number): string => `swarm-${String(i).padStart(5, '0')}`;

function log(msg: string): void {
  process.stderr.write(`[swarm] ${msg}\n`);
}

/** The open-files hard limit of this process (`ulimit -Hn`). */
function hardFileLimit(): number {
  const hard = openFilesLimit()?.hard ?? Number.POSITIVE_INFINITY;
  return Number.isFinite(hard) ? hard : 1 << 20;
}

/** Runs `node <args>` with the open-files soft limit raised to `nofile` (a shell `ulimit -n`). */
function spawnNode(args: string[], nofile: number, ipc: boolean, nodeFlags: string[] = []): ChildProcess {
  return spawn('/bin/sh', ['-c', `ulimit -n ${nofile} && exec "$0" "$@"`, process.execPath, ...nodeFlags, ...args], {
    stdio: ipc ? ['ignore', 'inherit', 'pipe', 'ipc'] : ['ignore', 'pipe', 'pipe'],
  });
}

function writeYaml(path: string, conf: Record<string, unknown>): void {
  writeFileSync(path, Object.entries(conf).map(([k, v]) => `${k}: ${JSON.stringify(v)}`).join('\n') + '\n');
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Nearest-rank percentile of ascending samples. */
function pct(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}

/** utime + stime of a process in seconds (all its threads). */
function cpuSecondsOf(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

function fdCount(pid: number): number {
  try {
    return readdirSync(`/proc/${pid}/fd`).length;
  } catch {
    return 0;
  }
}

/** A swarm host process and the replies it sends. */
class Host {
  private readonly waiting = new Map<string, Array<(r: HostReply) => void>>();
  stderr = '';

  constructor(readonly proc: ChildProcess) {
    proc.on('message', (msg: HostReply) => {
      const q = this.waiting.get(msg.type);
      q?.shift()?.(msg);
    });
    proc.stderr!.on('data', (d: Buffer) => {
      this.stderr = (this.stderr + d.toString()).slice(-20_000);
    });
  }

  next<T extends HostReply['type']>(type: T, timeoutMs = 600_000): Promise<Extract<HostReply, { type: T }>> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`swarm host ${this.proc.pid} sent no '${type}' within ${timeoutMs} ms\n${this.stderr}`)), timeoutMs);
      const q = this.waiting.get(type) ?? [];
      q.push((r) => {
        clearTimeout(timer);
        resolve(r as Extract<HostReply, { type: T }>);
      });
      this.waiting.set(type, q);
      this.proc.once('exit', (code) => reject(new Error(`swarm host ${this.proc.pid} exited (${code}) while waiting for '${type}'\n${this.stderr}`)));
    });
  }

  send(cmd: HostCommand): void {
    this.proc.send(cmd);
  }
}

function stopProcess(p: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (p.exitCode !== null || p.signalCode !== null) return resolve();
    const timer = setTimeout(() => p.kill('SIGKILL'), 10_000);
    p.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    p.kill('SIGTERM');
  });
}

interface CliRun {
  s: number;
  returned: number;
  code: number | null;
  stderr: string;
}

/** Runs the real `salt` CLI and counts the minions that returned (`--out txt`: one line each). */
function saltCli(configDir: string, args: string[]): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(process.execPath, [binPath('salt'), '-c', configDir, ...args, '--out', 'txt', '-t', String(PING_TIMEOUT_S)], { stdio: ['ignore', 'pipe', 'pipe'] });
    const ids = new Set<string>();
    let partial = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => {
      const lines = (partial + d.toString()).split('\n');
      partial = lines.pop()!;
      for (const line of lines) {
        const m = /^(swarm-\d+): /.exec(line);
        if (m && !line.includes('Minion did not return')) ids.add(m[1]!);
      }
    });
    child.stderr.on('data', (d: Buffer) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ s: (performance.now() - t0) / 1000, returned: ids.size, code, stderr: stderr.slice(-2000) }));
  });
}

/**
 * The machine's count of connections dropped because a listen queue was full (TcpExt
 * ListenOverflows): a master that accepts too slowly makes minions wait for TCP retransmits.
 */
function listenOverflows(): number | null {
  try {
    const lines = readFileSync('/proc/net/netstat', 'utf8').split('\n').filter((l) => l.startsWith('TcpExt:'));
    const names = lines[0]!.split(/\s+/);
    const values = lines[1]!.split(/\s+/);
    const i = names.indexOf('ListenOverflows');
    return i > 0 ? Number(values[i]) : null;
  } catch {
    return null;
  }
}

/** Sums the disk use (allocated blocks) and inodes of a directory tree. */
function diskUse(path: string): { bytes: number; apparent: number; inodes: number } {
  const out = { bytes: 0, apparent: 0, inodes: 0 };
  const walk = (p: string): void => {
    const st = statSync(p);
    out.bytes += st.blocks * 512;
    out.apparent += st.size;
    out.inodes++;
    if (st.isDirectory()) for (const name of readdirSync(p)) walk(join(p, name));
  };
  walk(path);
  return out;
}

/** Runs the swarm and returns what it measured. */
export async function runSwarm(args: SwarmArgs): Promise<SwarmResult> {
  const n = args.minions;
  const hard = hardFileLimit();
  // A master holds one connection per minion for publishes plus the return connections in flight.
  const masterFds = Math.min(hard, 2 * n + 1024);
  if (hard < n + 1024) {
    throw new Error(`${n} minions need at least ${n + 1024} open files in the master, but the hard limit (ulimit -Hn) is ${hard}: raise it (e.g. /etc/security/limits.conf nofile, or LimitNOFILE=) or use fewer minions`);
  }
  // A host needs ~4 descriptors per minion (SUB socket + REQ socket in flight, each a TCP fd plus a mailbox eventfd).
  const hosts = args.hosts > 0 ? args.hosts : Math.max(n >= 200 ? 2 : 1, Math.ceil((4 * n) / (hard - 1024)));
  const perHost = Math.ceil(n / hosts);
  if (4 * perHost + 1024 > hard) throw new Error(`${perHost} minions per host need ${4 * perHost + 1024} open files, above the hard limit ${hard}: use more --hosts`);

  const t0 = Date.now();
  const keys = await ensureSwarmKeys(n, {
    dir: args.keyDir,
    onGenerated: (d, m) => {
      if (d % 50 === 0 || d === m) log(`generated ${d}/${m} missing keys (${Math.round((Date.now() - t0) / 1000)} s)`);
    },
  });

  const root = mkdtempSync(join(tmpdir(), 'salt-ts-swarm-'));
  const masterDir = join(root, 'master', 'etc', 'salt');
  const ports = { publish: await freePort(), ret: await freePort() };
  mkdirSync(masterDir, { recursive: true });
  writeYaml(join(masterDir, 'master'), {
    root_dir: join(root, 'master'),
    interface: '127.0.0.1',
    publish_port: ports.publish,
    ret_port: ports.ret,
    auto_accept: true,
    ...args.masterConfig,
  });
  const mopts = loadMasterConfig({ configDir: masterDir }) as unknown as Record<string, unknown>;
  const pkiMinions = join(String(mopts.pki_dir), 'minions');
  mkdirSync(pkiMinions, { recursive: true, mode: 0o700 });

  // Per-minion pki dirs; the keys of the non-storm minions are accepted in advance.
  mkdirSync(join(root, 'minions'), { recursive: true });
  writeFileSync(join(root, 'minions', '.swarm'), '');
  for (let i = 0; i < n; i++) {
    const pki = join(root, 'minions', idOf(i), 'pki');
    mkdirSync(pki, { recursive: true, mode: 0o700 });
    writeFileSync(join(pki, 'minion.pem'), keys[i]!.privatePem, { mode: 0o400 });
    writeFileSync(join(pki, 'minion.pub'), keys[i]!.publicPem, { mode: 0o644 });
    if (i >= args.storm) writeFileSync(join(pkiMinions, idOf(i)), keys[i]!.publicPem, { mode: 0o644 });
  }
  const swarmDir = join(root, 'swarm', 'etc', 'salt');
  mkdirSync(swarmDir, { recursive: true });
  writeYaml(join(swarmDir, 'minion'), { ...args.minionConfig, root_dir: join(root, 'swarm'), master: '127.0.0.1', master_port: ports.ret });
  const base = loadMinionConfig({ configFile: join(swarmDir, 'minion'), minionId: 'swarm-base' } as never) as unknown as Record<string, unknown>;

  let master: ChildProcess | null = null;
  let masterLog = '';
  const hostList: Host[] = [];
  let lc: LocalClient | null = null;
  let cleaning: Promise<void> | null = null;
  const cleanup = (): Promise<void> => (cleaning ??= stopAll());
  const stopAll = async (): Promise<void> => {
    await Promise.all(
      hostList.map(async (h) => {
        h.send({ type: 'stop' });
        await Promise.race([h.next('stopped', 20_000).catch(() => undefined), sleep(20_000)]);
        await Promise.race([new Promise((r) => (h.proc.exitCode !== null ? r(null) : h.proc.once('exit', r))), sleep(5000)]);
        await stopProcess(h.proc);
      }),
    );
    await lc?.close?.();
    if (master) await stopProcess(master);
    if (!args.keep) rmSync(root, { recursive: true, force: true });
    else log(`kept ${root}`);
  };

  // Interrupted (Ctrl-C, e.g. during --hold): stop the master and the hosts and remove the
  // root as a finished run does, instead of leaving an orphaned master behind.
  const interrupted = (signal: NodeJS.Signals): void => {
    log(`${signal}: stopping the master and the swarm`);
    void cleanup().finally(() => process.exit(signal === 'SIGINT' ? 130 : 143));
  };
  process.on('SIGINT', interrupted);
  process.on('SIGTERM', interrupted);

  try {
    // SWARM_MASTER_NODE_FLAGS: extra node flags for the master (e.g. --cpu-prof when profiling).
    const masterFlags = (process.env.SWARM_MASTER_NODE_FLAGS ?? '').split(' ').filter(Boolean);
    master = spawnNode([binPath('salt-master'), '-c', masterDir, '-l', 'warning'], masterFds, false, masterFlags);
    master.stdout!.on('data', (d: Buffer) => (masterLog = (masterLog + d).slice(-50_000)));
    master.stderr!.on('data', (d: Buffer) => (masterLog = (masterLog + d).slice(-50_000)));
    const masterPid = master.pid!;
    const logFile = String(mopts.log_file);
    for (let i = 0; ; i++) {
      if (master.exitCode !== null) throw new Error(`the master exited:\n${masterLog}`);
      let text = '';
      try {
        text = readFileSync(logFile, 'utf8');
      } catch {
        text = '';
      }
      if (readdirSafe(String(mopts.sock_dir)).includes('publish_pull.ipc')) break;
      if (i > 300) throw new Error(`the master did not start within 30 s:\n${masterLog}\n${text.slice(-3000)}`);
      await sleep(100);
    }
    let fdsPeak = fdCount(masterPid);
    const fdSampler = setInterval(() => (fdsPeak = Math.max(fdsPeak, fdCount(masterPid))), 250);
    fdSampler.unref();

    // Listen for the master's delivery-stats events before anything happens.
    lc = new LocalClient(mopts);
    const ev = await lc.listen();
    const statsEvents: Array<Record<string, unknown>> = [];
    void (async () => {
      for await (const e of ev.subscribe('salt/master/')) if (e.tag.endsWith('/stats')) statsEvents.push(e.data as Record<string, unknown>);
    })().catch(() => undefined);

    const hostConfig: HostConfig = { root, base, grains: FIXED_GRAINS };
    for (let h = 0; h < hosts; h++) {
      const hostFlags = (process.env.SWARM_HOST_NODE_FLAGS ?? '').split(' ').filter(Boolean);
      const proc = spawnNode([join(here, 'host.js'), JSON.stringify(hostConfig)], Math.min(hard, 4 * perHost + 1024), true, hostFlags);
      hostList.push(new Host(proc));
    }
    await Promise.all(hostList.map((h) => h.next('ready', 60_000)));
    const split = (ids: string[]): string[][] => hostList.map((_, h) => ids.filter((_, i) => i % hosts === h));

    // 1. The auth storm: new minions, all at once, accepted by auto_accept.
    const stormIds = Array.from({ length: args.storm }, (_, i) => idOf(i));
    log(`auth storm: ${stormIds.length} new minions on ${hosts} host process(es)`);
    const tStorm = performance.now();
    const stormParts = split(stormIds);
    const storm = await Promise.all(hostList.map((h, i) => (h.send({ type: 'start', ids: stormParts[i]!, concurrency: 0 }), h.next('started'))));
    const authS = (performance.now() - tStorm) / 1000;
    const stormFailed = storm.reduce((a, r) => a + r.failed, 0);
    if (stormFailed) throw new Error(`${stormFailed} storm minions failed to start: ${storm.flatMap((r) => r.firstErrors).join('\n')}`);
    log(`auth storm done in ${authS.toFixed(2)} s`);

    // 2. The rest, pre-accepted.
    const restIds = Array.from({ length: n - args.storm }, (_, i) => idOf(args.storm + i));
    const tRest = performance.now();
    if (restIds.length) {
      log(`starting ${restIds.length} pre-accepted minions`);
      const restParts = split(restIds);
      const rest = await Promise.all(hostList.map((h, i) => (h.send({ type: 'start', ids: restParts[i]!, concurrency: 100 }), h.next('started'))));
      const failed = rest.reduce((a, r) => a + r.failed, 0);
      if (failed) throw new Error(`${failed} minions failed to start: ${rest.flatMap((r) => r.firstErrors).join('\n')}`);
    }
    const restS = (performance.now() - tRest) / 1000;

    // 3. Warm-up: every minion's publish subscription is live once a ping reaches all of them.
    for (let i = 0; ; i++) {
      const r = await saltCli(masterDir, ['*', 'test.ping']);
      log(`warm-up ping: ${r.returned}/${n} in ${r.s.toFixed(2)} s`);
      if (r.returned === n) break;
      if (i >= 4) throw new Error(`only ${r.returned} of ${n} minions answered the warm-up pings\n${r.stderr}\n${masterLog.slice(-3000)}`);
      await sleep(2000);
    }
    await sleep(1000);
    if (args.hold) {
      log(`holding ${args.hold} s: try  bin/salt -c ${masterDir} '*' test.ping`);
      await sleep(args.hold * 1000);
    }
    const idleRss = procMemory(masterPid).rssMiB;

    // 4. Ping rounds. The bus timeline (job published, first and last return seen) splits the
    // CLI's wall time into the master/minion part and the CLI's own start-up and printing.
    // One subscription for all phases (two iterators on one tag would share its events).
    const timeline = { newAt: 0, firstRet: 0, lastRet: 0 };
    const hooks: { onReturn: ((jid: string) => void) | null } = { onReturn: null };
    void (async () => {
      for await (const e of ev.subscribe('salt/job/')) {
        const t = performance.now();
        if (e.tag.endsWith('/new')) timeline.newAt ||= t;
        else if (e.tag.includes('/ret/')) {
          if (!timeline.firstRet) timeline.firstRet = t;
          timeline.lastRet = t;
          hooks.onReturn?.(e.tag.split('/')[2]!);
        }
      }
    })().catch(() => undefined);
    let lost = 0;
    const overflowsBefore = listenOverflows();
    const rounds: number[] = [];
    const lastReturnAfterPublish: number[] = [];
    for (let r = 0; r < args.rounds; r++) {
      Object.assign(timeline, { newAt: 0, firstRet: 0, lastRet: 0 });
      const t0 = performance.now();
      const run = await saltCli(masterDir, ['*', 'test.ping']);
      rounds.push(run.s);
      lost += n - run.returned;
      const ms = (t: number): string => (t ? `${Math.round(t - t0)} ms` : '-');
      if (timeline.newAt && timeline.lastRet) lastReturnAfterPublish.push((timeline.lastRet - timeline.newAt) / 1000);
      log(`ping round ${r + 1}: ${run.returned}/${n} in ${run.s.toFixed(2)} s (after spawn: published ${ms(timeline.newAt)}, first return ${ms(timeline.firstRet)}, last ${ms(timeline.lastRet)})`);
      if (run.returned !== n) log(`salt exited ${run.code}: ${run.stderr}`);
    }
    const sorted = [...rounds].sort((a, b) => a - b);
    const result: SwarmResult = {
      minions: n,
      hosts,
      rounds: args.rounds,
      auth_minions: args.storm,
      auth_s: round2(authS),
      startup_rest_s: round2(restS),
      ping_p50_s: round2(rounds.length % 2 ? sorted[(rounds.length - 1) / 2]! : (sorted[rounds.length / 2 - 1]! + sorted[rounds.length / 2]!) / 2),
      ping_p99_s: round2(pct(sorted, 0.99)),
      ping_rounds_s: rounds.map(round2),
      ping_publish_to_last_return_p50_s: lastReturnAfterPublish.length ? round2([...lastReturnAfterPublish].sort((a, b) => a - b)[lastReturnAfterPublish.length >> 1]!) : null,
      lost,
      ping_listen_overflows: overflowsBefore === null ? null : (listenOverflows() ?? 0) - overflowsBefore,
      master_rss_mib: 0,
      master_rss_idle_mib: idleRss,
      master_fds_peak: 0,
    };

    if (!args.skipLoad) {
      // Phases below target the first min(N, 1000) minions: ids swarm-00000 .. swarm-00999.
      const m = Math.min(n, 1000);
      const tgt = n > 1000 ? 'swarm-00*' : '*';
      // 5. One publish with a 64 KiB argument.
      const big = 'x'.repeat(64 * 1024);
      const pubRuns: number[] = [];
      for (let r = 0; r < Math.min(3, args.rounds); r++) {
        const run = await saltCli(masterDir, [tgt, 'test.assertion', big]);
        pubRuns.push(run.s);
        lost += m - run.returned;
        log(`64 KiB publish: ${run.returned}/${m} in ${run.s.toFixed(2)} s`);
      }
      result.pub64k_minions = m;
      result.pub64k_s = round2([...pubRuns].sort((a, b) => a - b)[pubRuns.length >> 1]!);

      // 6. 100 concurrent jobs: published back to back, returns counted on the event bus.
      const jobs = 100;
      const expected = jobs * m;
      const seen = new Map<string, number>();
      let got = 0;
      let lastAt = 0;
      const done = new Promise<void>((resolve) => {
        hooks.onReturn = (jid) => {
          const count = seen.get(jid);
          if (count === undefined) return;
          seen.set(jid, count + 1);
          got++;
          lastAt = performance.now();
          if (got >= expected) resolve();
        };
      });
      const cpu0 = cpuSecondsOf(masterPid);
      const tJobs = performance.now();
      const jids: string[] = [];
      for (let j = 0; j < jobs; j++) {
        const pub = await lc.pub({ tgt, fun: 'test.ping', arg: [], timeout: 60 });
        if (!pub.jid || pub.minions.length !== m) throw new Error(`job ${j}: the master targeted ${pub.minions.length} minions, expected ${m}`);
        jids.push(pub.jid);
        if (!seen.has(pub.jid)) seen.set(pub.jid, 0);
      }
      const publishedS = (performance.now() - tJobs) / 1000;
      // Ingested = in the job cache: count the return directories until all are there.
      const cache = new LocalJobCache({ cachedir: String(mopts.cachedir), hashType: String(mopts.hash_type ?? 'sha256') });
      const countStored = (): number => jids.reduce((a, jid) => a + readdirSafe(cache.jidDir(jid)).filter((x) => !x.startsWith('.') && x !== 'jid' && x !== 'nocache' && x !== 'endtime').length, 0);
      let storedAt = 0;
      for (const deadline = performance.now() + 180_000; performance.now() < deadline; ) {
        if (countStored() >= expected) {
          storedAt = performance.now();
          break;
        }
        await sleep(250);
      }
      await Promise.race([done, sleep(5000)]);
      const jobsS = ((storedAt || performance.now()) - tJobs) / 1000;
      const cpu = cpuSecondsOf(masterPid) - cpu0;
      log(`${jobs} concurrent jobs: ${countStored()}/${expected} returns in the job cache after ${jobsS.toFixed(2)} s (${Math.round(expected / jobsS)}/s); ${got} seen on the event bus`);
      let stored = 0;
      const use = { bytes: 0, apparent: 0, inodes: 0 };
      for (const jid of jids) {
        const dir = cache.jidDir(jid);
        for (const name of readdirSync(dir)) {
          if (name.startsWith('.') || name === 'jid' || name === 'nocache' || name === 'endtime') continue;
          stored++;
          const u = diskUse(join(dir, name));
          use.bytes += u.bytes;
          use.apparent += u.apparent;
          use.inodes += u.inodes;
        }
      }
      lost += expected - stored;
      result.concurrent = {
        jobs,
        minions: m,
        returns_expected: expected,
        returns_seen_on_event_bus: got,
        stored_in_job_cache: stored,
        publish_s: round2(publishedS),
        s: round2(jobsS),
        returns_per_s: Math.round(stored / jobsS),
        master_cpu_s_per_1000_returns: round2((cpu / Math.max(1, stored)) * 1000),
      };
      result.job_cache_bytes_per_1000_returns = Math.round((use.bytes / Math.max(1, stored)) * 1000);
      result.job_cache_apparent_bytes_per_1000_returns = Math.round((use.apparent / Math.max(1, stored)) * 1000);
      result.job_cache_inodes_per_1000_returns = Math.round((use.inodes / Math.max(1, stored)) * 1000);
    }

    // Totals from the minions themselves, and the master's own counters.
    hostList.forEach((h) => h.send({ type: 'stats' }));
    const hs: HostStats[] = (await Promise.all(hostList.map((h) => h.next('stats')))).map((r) => r.stats);
    const mem = procMemory(masterPid);
    clearInterval(fdSampler);
    result.lost = lost;
    result.master_rss_mib = mem.hwmMiB;
    result.master_fds_peak = Math.max(fdsPeak, fdCount(masterPid));
    result.master_cpu_s_total = round2(cpuSecondsOf(masterPid));
    result.minion_returns_failed = hs.reduce((a, s) => a + s.returnsFailed, 0);
    result.minion_publish_drops = hs.reduce((a, s) => a + Object.values(s.publishDrops).reduce((x, y) => x + y, 0), 0);
    result.minion_errors = hs.reduce((a, s) => a + s.errors, 0);
    result.minion_warnings = hs.reduce((a, s) => a + s.warnings, 0);
    result.host_rss_mib = hs.map((s) => s.rssMiB);
    result.master_delivery_stats_events = statsEvents.length;
    result.master_delivery_stats = statsEvents.at(-1) ?? null;
    const firstErrors = hs.flatMap((s) => s.firstErrors).slice(0, 5);
    if (firstErrors.length) result.minion_first_errors = firstErrors;
    result.machine = machine();
    return result;
  } catch (err) {
    log(`failed; master log tail:\n${masterLog.slice(-3000)}`);
    for (const h of hostList) if (h.stderr) log(`host ${h.proc.pid} stderr:\n${h.stderr.slice(-2000)}`);
    throw err;
  } finally {
    await cleanup();
    process.off('SIGINT', interrupted);
    process.off('SIGTERM', interrupted);
  }
}

function readdirSafe(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

function round2(x: number): number {
  return Math.round(x * 100) / 100;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  try {
    const result = await runSwarm(parseArgs(process.argv.slice(2)));
    process.stdout.write(JSON.stringify(result) + '\n');
  } catch (err) {
    process.stderr.write(`swarm: ${(err as Error).message}\n`);
    process.exitCode = 1;
  }
}
