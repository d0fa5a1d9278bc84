/**
 * The jobs a minion is running right now: what `saltutil.running`, `saltutil.find_job` and
 * `saltutil.kill_job` see. Each job can be aborted through its AbortController.
 */
export interface RunningJob {
  jid: string;
  fun: unknown;
  arg: unknown[];
  tgt: unknown;
  tgt_type: string;
  user: string;
  pid: number;
  ret: string;
  [k: string]: unknown;
}

export class MinionJobRegistry {
  private readonly jobs = new Map<string, { data: RunningJob; abort: AbortController }>();

  /** Records a job as running; the returned signal aborts when the job is killed. */
  add(data: RunningJob): AbortSignal {
    const abort = new AbortController();
    this.jobs.set(data.jid, { data, abort });
    return abort.signal;
  }

  remove(jid: string): void {
    this.jobs.delete(jid);
  }

  list(): RunningJob[] {
    return [...this.jobs.values()].map((j) => j.data);
  }

  get(jid: string): RunningJob | undefined {
    return this.jobs.get(jid)?.data;
  }

  /** Aborts a running job; false when no such job runs. */
  kill(jid: string, signal: string | number = 'SIGTERM'): boolean {
    const job = this.jobs.get(jid);
    if (!job) return false;
    job.abort.abort(new Error(`job ${jid} killed with ${String(signal)}`));
    return true;
  }

  get size(): number {
    return this.jobs.size;
  }
}
