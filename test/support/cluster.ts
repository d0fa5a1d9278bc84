/**
 * Starts a real salt-master and real salt-minions (our programs, as separate processes) on
 * 127.0.0.1 with random ports and a temporary root, and drives them through the CLI programs.
 * Used by the integration tests; everything is torn down by `stop()`.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from './conformance.js';

export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** A free TCP port on 127.0.0.1 (bound then released). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

function yamlScalar(v: unknown): string {
  return JSON.stringify(v);
}

/** Writes a flat YAML config (JSON values are valid YAML flow scalars). */
function writeConfig(path: string, conf: Record<string, unknown>): void {
  const lines = Object.entries(conf).map(([k, v]) => `${k}: ${yamlScalar(v)}`);
  writeFileSync(path, lines.join('\n') + '\n');
}

export function binPath(prog: string): string {
  return join(repoRoot, 'bin', prog);
}

/** Runs a program to completion. */
export function run(prog: string, args: string[], opts: { input?: string; timeoutMs?: number; env?: NodeJS.ProcessEnv } = {}): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [binPath(prog), ...args], { env: { ...process.env, ...opts.env }, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 60_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
    child.stdin.end(opts.input ?? '');
  });
}

export interface ClusterOptions {
  minions?: string[];
  master?: Record<string, unknown>;
  minion?: Record<string, unknown>;
  /** Accept minion keys automatically (default true). */
  autoAccept?: boolean;
  /** Wait for every minion to answer test.ping before returning (default true when autoAccept). */
  waitReady?: boolean;
}

export class TestCluster {
  readonly root: string;
  readonly masterConfigDir: string;
  readonly ports: { publish: number; ret: number };
  private masterProc: ChildProcess | null = null;
  private readonly minionProcs = new Map<string, ChildProcess>();
  readonly logs = new Map<string, string>();

  private constructor(root: string, ports: { publish: number; ret: number }) {
    this.root = root;
    this.masterConfigDir = join(root, 'master', 'etc', 'salt');
    this.ports = ports;
  }

  static async start(opts: ClusterOptions = {}): Promise<TestCluster> {
    const root = mkdtempSync(join(tmpdir(), 'salt-ts-it-'));
    const cluster = new TestCluster(root, { publish: await freePort(), ret: await freePort() });
    await cluster.startMaster(opts);
    for (const id of opts.minions ?? []) cluster.startMinion(id, opts.minion);
    const autoAccept = opts.autoAccept ?? true;
    if (opts.waitReady ?? autoAccept) await cluster.waitForMinions(opts.minions ?? []);
    return cluster;
  }

  private spawnDaemon(name: string, prog: string, configDir: string): ChildProcess {
    const child = spawn(process.execPath, [binPath(prog), '-c', configDir, '-l', 'info'], { stdio: ['ignore', 'pipe', 'pipe'] });
    this.logs.set(name, '');
    const append = (d: Buffer): void => {
      this.logs.set(name, (this.logs.get(name) ?? '') + d.toString());
    };
    child.stdout!.on('data', append);
    child.stderr!.on('data', append);
    return child;
  }

  private async startMaster(opts: ClusterOptions): Promise<void> {
    mkdirSync(this.masterConfigDir, { recursive: true });
    writeConfig(join(this.masterConfigDir, 'master'), {
      root_dir: join(this.root, 'master'),
      interface: '127.0.0.1',
      publish_port: this.ports.publish,
      ret_port: this.ports.ret,
      worker_threads: 2,
      auto_accept: opts.autoAccept ?? true,
      ...opts.master,
    });
    this.masterProc = this.spawnDaemon('master', 'salt-master', this.masterConfigDir);
    await this.waitFor(() => this.logs.get('master')!.includes('salt-master is listening'), 20_000, 'the master to start');
  }

  /** Starts a minion process with its own root under the cluster root. */
  startMinion(id: string, extra: Record<string, unknown> = {}): void {
    const dir = join(this.root, `minion-${id}`, 'etc', 'salt');
    mkdirSync(dir, { recursive: true });
    writeConfig(join(dir, 'minion'), {
      id,
      root_dir: join(this.root, `minion-${id}`),
      master: '127.0.0.1',
      master_port: this.ports.ret,
      acceptance_wait_time: 1,
      ...extra,
    });
    this.minionProcs.set(id, this.spawnDaemon(`minion-${id}`, 'salt-minion', dir));
  }

  /** Stops one minion (SIGTERM) and waits for it to exit. */
  async stopMinion(id: string, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    const p = this.minionProcs.get(id);
    if (!p) return;
    this.minionProcs.delete(id);
    await stopProcess(p, signal);
  }

  /** The master's process id (null before start and after stop). */
  get masterPid(): number | null {
    return this.masterProc?.pid ?? null;
  }

  /** Runs a client program against this master's config dir. */
  cli(prog: string, args: string[], opts: { input?: string; timeoutMs?: number } = {}): Promise<RunResult> {
    return run(prog, ['-c', this.masterConfigDir, ...args], opts);
  }

  async waitFor(cond: () => boolean | Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
    const end = Date.now() + timeoutMs;
    while (Date.now() < end) {
      if (await cond()) return;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`timed out waiting for ${what}\n--- logs ---\n${[...this.logs].map(([k, v]) => `[${k}]\n${v.slice(-3000)}`).join('\n')}`);
  }

  /** Waits until every id answers `test.ping`. */
  async waitForMinions(ids: string[], timeoutMs = 30_000): Promise<void> {
    if (ids.length === 0) return;
    await this.waitFor(
      async () => {
        const r = await this.cli('salt', ['-L', ids.join(','), 'test.ping', '--out', 'json', '--static', '-t', '3']);
        try {
          const data = JSON.parse(r.stdout);
          return ids.every((id) => data[id] === true);
        } catch {
          return false;
        }
      },
      timeoutMs,
      `minions ${ids.join(', ')} to answer test.ping`,
    );
  }

  readFile(rel: string): string {
    return readFileSync(join(this.root, rel), 'utf8');
  }

  async stop(): Promise<void> {
    await Promise.all([...this.minionProcs.values()].map((p) => stopProcess(p)));
    this.minionProcs.clear();
    if (this.masterProc) await stopProcess(this.masterProc);
    this.masterProc = null;
    if (!process.env.SALT_TS_KEEP_TEST_ROOT) rmSync(this.root, { recursive: true, force: true });
  }
}

function stopProcess(p: ChildProcess, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  return new Promise((resolve) => {
    if (p.exitCode !== null || p.signalCode !== null) return resolve();
    const timer = setTimeout(() => p.kill('SIGKILL'), 5000);
    p.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    p.kill(signal);
  });
}
