/** The scheduler's public shapes: what runs a job, what gets its return, what modules may call. */

/** What running one scheduled function gave. */
export interface ScheduleRunResult {
  return: unknown;
  /** The job's retcode (`__context__["retcode"]`); omitted for runners, which have none. */
  retcode?: number;
  /** False when the function raised (Salt then also sets retcode 254); default true. */
  success?: boolean;
  /** The function's outputter (`__outputter__`), copied into the return load. */
  out?: string;
}

/** Facts about the run handed to the runner (for `__pub_*` keywords and the job registry). */
export interface ScheduleRunInfo {
  jid: string;
  /** The schedule entry's name. */
  schedule: string;
}

/**
 * Runs one scheduled function (the minion's execution functions, or the master's runners).
 * A rejection counts as an unhandled exception in the job (return text, retcode 254).
 */
export type ScheduleRunner = (fun: string, args: unknown[], kwargs: Record<string, unknown>, info: ScheduleRunInfo) => Promise<ScheduleRunResult>;

/** Sends a scheduled job's `_return` load to the master (jid `req` unless a returner is set). */
export type ScheduleReturnSender = (load: Record<string, unknown>) => Promise<unknown>;

/** Which part of the schedule to list: all (default), only pillar jobs, or only config jobs. */
export type ScheduleWhere = 'pillar' | 'opts' | undefined;

/**
 * The live scheduler as the `schedule` execution module drives it (Salt does this through
 * `manage_schedule` events on the minion bus; here it is a direct call).
 */
export interface ScheduleControl {
  /** A deep copy of the schedule: pillar jobs then config jobs, global keys included. */
  list(where?: ScheduleWhere): Record<string, unknown>;
  /** The schedule saved in `_schedule.conf` (empty when there is none). */
  saved(): Record<string, unknown>;
  /** Adds or replaces one job (`{name: data}`); pillar jobs are left alone. */
  addJob(data: Record<string, unknown>, persist?: boolean): void;
  deleteJob(name: string, persist?: boolean): void;
  modifyJob(name: string, data: Record<string, unknown>, persist?: boolean): void;
  enableJob(name: string, persist?: boolean): void;
  disableJob(name: string, persist?: boolean): void;
  enableSchedule(persist?: boolean): void;
  disableSchedule(persist?: boolean): void;
  /** Runs a job now (honouring `maxrunning`, ignoring `enabled`). */
  runJob(name: string): void;
  /** Writes the config (non-pillar) jobs to `_schedule.conf`. */
  save(): void;
  /** Merges `_schedule.conf` back into the schedule and forgets the intervals. */
  reload(): void;
  /** The job's next fire time formatted with `fmt` (Python strftime), or null. */
  nextFireTime(name: string, fmt?: string): string | null;
}
