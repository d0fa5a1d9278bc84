/** Test helpers for runners: a temp master root and a RunnerClient that records its events. */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RunnerClient } from '../client/runner_client.js';
import type { MinionPublisher, Opts } from './types.js';

export interface TestMaster {
  root: string;
  opts: Opts;
  /** Events fired by the clients made with {@link client}, in order. */
  events: Array<{ tag: string; data: Record<string, unknown> }>;
  /** What the clients printed. */
  out: string[];
  /** A runner client on this master; `publisher` stands in for the minions. */
  client(publisher?: MinionPublisher): RunnerClient;
  /** Runs a runner function without printing; returns its return. */
  call(fun: string, arg?: unknown[], publisher?: MinionPublisher): Promise<unknown>;
  cleanup(): void;
}

/** A temp master: `pki_dir`, `cachedir`, `sock_dir` under a fresh root. */
export function testMaster(extra: Opts = {}): TestMaster {
  const root = mkdtempSync(join(tmpdir(), 'salt-ts-runner-'));
  const opts: Opts = {
    id: 'testhost_master',
    pki_dir: join(root, 'pki'),
    cachedir: join(root, 'cache'),
    sock_dir: join(root, 'sock'),
    hash_type: 'sha256',
    job_cache: true,
    master_job_cache: 'local_cache',
    ext_job_cache: '',
    timeout: 5,
    gather_job_timeout: 10,
    minion_data_cache: true,
    publish_port: 4505,
    ...extra,
  };
  for (const d of ['pki/minions', 'pki/minions_pre', 'pki/minions_rejected', 'pki/minions_denied', 'cache', 'sock']) mkdirSync(join(root, d), { recursive: true });
  const events: TestMaster['events'] = [];
  const out: string[] = [];
  const client = (publisher?: MinionPublisher) =>
    new RunnerClient(opts, {
      io: { out: (s) => void out.push(s), err: (s) => void out.push(s) },
      fireEvent: async (tag, data) => void events.push({ tag, data: structuredClone(data) }),
      publisher: publisher ? () => publisher : () => ({ run: async () => { throw new Error('no master in this test'); } }),
    });
  return {
    root,
    opts,
    events,
    out,
    client,
    call: (fun, arg = [], publisher) => client(publisher).cmd(fun, arg, {}, { printEvent: false }),
    cleanup: () => rmSync(root, { recursive: true, force: true }),
  };
}

/** A publisher whose minions answer from a table (`null`: the minion does not answer). */
export function fakeMinions(answers: Record<string, unknown>, record: Array<{ tgt: unknown; fun: string; arg: unknown[]; opts: unknown }> = []): MinionPublisher {
  return {
    async run(tgt, fun, arg, opts) {
      record.push({ tgt, fun, arg, opts });
      const minions = Object.keys(answers);
      if (minions.length === 0) return null;
      const returns: Record<string, { ret: unknown; retcode?: number }> = {};
      for (const [id, ans] of Object.entries(answers)) if (ans !== null) returns[id] = { ret: typeof ans === 'function' ? (ans as (f: string) => unknown)(fun) : ans, retcode: 0 };
      return { jid: '20250101000000000001', minions, returns };
    },
  };
}
