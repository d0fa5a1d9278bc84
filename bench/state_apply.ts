/**
 * `salt-call --local state.apply` of a 200-state SLS: `file.managed` from a Jinja template
 * (`salt://`, with context), each state requiring the one before it. Measured in the same run:
 * salt-ts, real Salt 3006.10 (when its launcher is installed) and a plain shell loop doing the
 * same 200 writes (the floor). Two cases each: `fresh` (empty target directory, 200 files
 * created) and `converged` (every file already right, nothing written).
 *
 *   node dist/bench/state_apply.js [--n 5] [--warmup 1] [--states 200]
 *   REAL_SALT_CALL=/path/to/salt-call (default /work/interop/bin/real-salt-call; absent → skipped)
 *   SALT_TS_SALT_CALL=/path/to/bin/salt-call (default this repo's bin/salt-call, i.e. its dist/)
 *
 * Prints one JSON line; `skipped: true` when salt-call is not built yet.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from '../test/support/conformance.js';
import { binPath } from '../test/support/cluster.js';
import { intArg, machine, report, round1, summarize, summarizeCpu, timeRun, type TimedRun } from './_support.js';

const GOAL_RATIO = 5;
const REAL_SALT_CALL = process.env.REAL_SALT_CALL ?? '/work/interop/bin/real-salt-call';
/** Another build of salt-ts's salt-call (e.g. one compiled to a private outDir while dist/ is being rebuilt). */
const OUR_SALT_CALL = process.env.SALT_TS_SALT_CALL ?? binPath('salt-call');

const TEMPLATE = [
  '# managed by salt',
  'name = {{ name }}',
  'index = {{ index }}',
  'minion = {{ grains["id"] }}',
  '{% for k in range(3) %}line{{ k }} = {{ index * k }}',
  '{% endfor %}',
].join('\n');

/** What the template renders to for state `i` (the shell floor writes exactly this). */
function rendered(path: string, i: number): string {
  return `# managed by salt\nname = ${path}\nindex = ${i}\nminion = bench-minion\n${[0, 1, 2].map((k) => `line${k} = ${i * k}\n`).join('')}`;
}

function slsText(target: string, states: number): string {
  const out: string[] = [];
  for (let i = 0; i < states; i++) {
    out.push(`f${i}:\n  file.managed:\n    - name: ${target}/f${i}.conf\n    - source: salt://tmpl/app.conf.j2\n    - template: jinja\n    - makedirs: True\n    - context:\n        index: ${i}\n`);
    if (i > 0) out.push(`    - require:\n      - file: f${i - 1}\n`);
  }
  return out.join('');
}

/** A shell script writing the same files (printf per file, like a hand-written deploy loop). */
function shellScript(target: string, states: number): string {
  const lines = ['set -e', `mkdir -p '${target}'`];
  for (let i = 0; i < states; i++) {
    const path = `${target}/f${i}.conf`;
    lines.push(`printf '%s' '${rendered(path, i).replace(/'/g, "'\\''")}' > '${path}'`);
  }
  return lines.join('\n') + '\n';
}

/** Checks a `--out=json` state.apply answer: `states` results, all true, with or without changes. */
function checkApply(r: TimedRun, states: number, wantChanges: boolean): string | null {
  if (r.code !== 0) return `exit ${r.code}`;
  let data: any;
  try {
    data = JSON.parse(r.stdout);
  } catch {
    return 'stdout is not JSON';
  }
  const results = Object.values(data?.local ?? {}) as Array<{ result: unknown; changes: Record<string, unknown> }>;
  if (results.length !== states) return `expected ${states} results, got ${results.length}`;
  if (results.some((x) => x.result !== true)) return 'a state did not succeed';
  if (results.some((x) => Object.keys(x.changes).length > 0 !== wantChanges)) return wantChanges ? 'a state reported no changes' : 'a state reported changes';
  return null;
}

interface Subject {
  name: string;
  cmd: string;
  args: string[];
  target: string;
  /** Checks a run; null when it is right. */
  check: (r: TimedRun, fresh: boolean) => string | null;
}

function setupMinion(root: string, name: string, states: number): { configDir: string; target: string } {
  const configDir = join(root, name, 'etc');
  const srv = join(root, name, 'srv');
  const target = join(root, name, 'target');
  mkdirSync(configDir, { recursive: true });
  mkdirSync(join(srv, 'tmpl'), { recursive: true });
  writeFileSync(join(srv, 'tmpl', 'app.conf.j2'), TEMPLATE);
  writeFileSync(join(srv, 'bench.sls'), slsText(target, states));
  writeFileSync(
    join(configDir, 'minion'),
    `id: bench-minion\nroot_dir: ${JSON.stringify(join(root, name, 'root'))}\nfile_client: local\nfile_roots:\n  base:\n    - ${JSON.stringify(srv)}\n`,
  );
  return { configDir, target };
}

async function main(): Promise<void> {
  const n = intArg('n', 5);
  const warmup = intArg('warmup', 1);
  const states = intArg('states', 200);
  if (!process.env.SALT_TS_SALT_CALL && !existsSync(join(repoRoot, 'dist', 'src', 'programs', 'salt_call.js'))) {
    report({ bench: 'state_apply', skipped: true, reason: 'salt-call is not built (dist/src/programs/salt_call.js missing)', machine: machine() });
    return;
  }
  const root = mkdtempSync(join(tmpdir(), 'salt-ts-bench-state-'));
  try {
    const subjects: Subject[] = [];
    const ours = setupMinion(root, 'ours', states);
    subjects.push({
      name: 'salt_ts',
      cmd: process.execPath,
      args: [OUR_SALT_CALL, '-c', ours.configDir, '--local', '--out=json', '--retcode-passthrough', 'state.apply', 'bench'],
      target: ours.target,
      check: (r, fresh) => checkApply(r, states, fresh),
    });
    const haveReal = existsSync(REAL_SALT_CALL);
    if (haveReal) {
      const real = setupMinion(root, 'real', states);
      subjects.push({
        name: 'salt_3006',
        cmd: REAL_SALT_CALL,
        args: ['-c', real.configDir, '--local', '--out=json', '--retcode-passthrough', 'state.apply', 'bench'],
        target: real.target,
        check: (r, fresh) => checkApply(r, states, fresh),
      });
    }
    const shellTarget = join(root, 'shell', 'target');
    const script = join(root, 'shell', 'write.sh');
    mkdirSync(join(root, 'shell'), { recursive: true });
    writeFileSync(script, shellScript(shellTarget, states));
    subjects.push({ name: 'shell_loop', cmd: '/bin/sh', args: [script], target: shellTarget, check: (r) => (r.code === 0 ? null : `exit ${r.code}`) });

    const wall: Record<string, { fresh: number[]; converged: number[] }> = {};
    const cpu: Record<string, { fresh: number[]; converged: number[] }> = {};
    for (const s of subjects) {
      wall[s.name] = { fresh: [], converged: [] };
      cpu[s.name] = { fresh: [], converged: [] };
    }
    // Round robin over the subjects, so load from other processes hits them alike.
    for (let i = 0; i < warmup + n; i++) {
      for (const s of subjects) {
        for (const fresh of [true, false]) {
          if (fresh) rmSync(s.target, { recursive: true, force: true });
          const r = await timeRun(s.cmd, s.args);
          const why = s.check(r, fresh);
          if (why) throw new Error(`${s.name} (${fresh ? 'fresh' : 'converged'}) run ${i + 1}: ${why}\nstderr: ${r.stderr.slice(0, 2000)}`);
          if (i < warmup) continue;
          wall[s.name][fresh ? 'fresh' : 'converged'].push(r.ms);
          if (r.cpuMs !== null) cpu[s.name][fresh ? 'fresh' : 'converged'].push(r.cpuMs);
        }
      }
    }
    const figures: Record<string, unknown> = {};
    for (const s of subjects) {
      figures[s.name] = {
        fresh: summarize(wall[s.name].fresh),
        converged: summarize(wall[s.name].converged),
        cpu_ms: { fresh: summarizeCpu(cpu[s.name].fresh), converged: summarizeCpu(cpu[s.name].converged) },
      };
    }
    const med = (name: string, k: 'fresh' | 'converged') => summarize(wall[name][k]).median;
    const ratios: Record<string, unknown> = {
      salt_ts_over_shell: { fresh: round1(med('salt_ts', 'fresh') / med('shell_loop', 'fresh')), converged: round1(med('salt_ts', 'converged') / med('shell_loop', 'converged')) },
    };
    if (haveReal) {
      const speedup = { fresh: round1(med('salt_3006', 'fresh') / med('salt_ts', 'fresh')), converged: round1(med('salt_3006', 'converged') / med('salt_ts', 'converged')) };
      ratios.salt_3006_over_salt_ts = speedup;
      ratios.goal_met = speedup.fresh >= GOAL_RATIO && speedup.converged >= GOAL_RATIO;
    }
    report({
      bench: 'state_apply',
      command: `salt-call -c <tmp> --local --out=json --retcode-passthrough state.apply bench  (${states} file.managed states, Jinja template, require chain)`,
      unit: 'ms',
      states,
      figures,
      ratios,
      real_salt: haveReal ? REAL_SALT_CALL : null,
      goal: `salt-ts at least ${GOAL_RATIO}x faster than Salt 3006.10`,
      machine: machine(),
    });
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

main().catch((err) => {
  process.stderr.write(`${(err as Error).stack ?? String(err)}\n`);
  process.exitCode = 1;
});
