/** The minion's side of the mine that is not an execution function: the `mine_interval` job. */

type Dict = Record<string, unknown>;

/** The scheduler entry name Salt uses for the periodic `mine.update`. */
export const MINE_INTERVAL_JOB = '__mine_interval';

/**
 * The `__mine_interval` schedule entry the minion adds at start (Salt's `Minion.__init__`):
 * `mine.update` every `mine_interval` minutes (default 60), on start too, at most two at once,
 * its return sent to the master only with `mine_return_job`. Undefined when `mine_enabled` is off.
 */
export function mineIntervalJob(opts: Dict): Dict | undefined {
  if (opts.mine_enabled === false) return undefined;
  return {
    [MINE_INTERVAL_JOB]: {
      function: 'mine.update',
      minutes: opts.mine_interval ?? 60,
      jid_include: true,
      maxrunning: 2,
      run_on_start: true,
      return_job: opts.mine_return_job ?? false,
    },
  };
}
