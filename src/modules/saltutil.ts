/**
 * Salt's `saltutil` execution module: list, find and signal the jobs the minion is running
 * (through the minion's {@link JobRegistry}), and the sync/refresh family (`sync_modules`,
 * `sync_all`, `refresh_modules`, `clear_cache` ..., in _saltutil_sync.ts).
 */
import { constants as osConstants } from 'node:os';
import { fnmatch } from '../targeting/fnmatch.js';
import { defineFunction } from '../loader/define.js';
import type { CallContext, RunningJob, SaltModule } from '../loader/types.js';
import { pyInt, pyStr } from './_pyconv.js';
import { syncFunctions } from './_saltutil_sync.js';

/** The running jobs other than the one asking (Salt's proc-dir scan skips the caller). */
function runningJobs(ctx: CallContext): RunningJob[] {
  const jobs = ctx.jobs?.list() ?? [];
  return jobs.filter((j) => j.jid !== ctx.jid);
}

function signalNumber(sig: unknown): number {
  if (typeof sig === 'string' && /^SIG[A-Z0-9]+$/.test(sig)) {
    const n = (osConstants.signals as Record<string, number>)[sig];
    if (n !== undefined) return n;
  }
  return pyInt(sig);
}

/** Salt's `signal_job`: the message it returns, or '' when no such job runs. */
function signalJob(ctx: CallContext, jid: unknown, sig: unknown): string {
  const want = pyStr(jid);
  const num = signalNumber(sig);
  for (const job of runningJobs(ctx)) {
    if (job.jid !== want) continue;
    if (ctx.jobs?.kill(want, num)) return `Signal ${num} sent to job ${want} at pid ${job.pid}`;
    return `Job ${want} was not running and job data has been cleaned up`;
  }
  return '';
}

const mod: SaltModule = {
  name: 'saltutil',
  functions: {
    revoke_auth: defineFunction(
      {
        args: ['preserve_minion_cache'],
        defaults: { preserve_minion_cache: false },
        doc: `
          The minion sends a request to the master to revoke its own key.
          Note that the minion session will be revoked and the minion may
          not be able to return the result of this command back to the master.

          If the 'preserve_minion_cache' flag is set to True, the master
          cache for this minion will not be removed.

          CLI Example:

          .. code-block:: bash

              salt '*' saltutil.revoke_auth
        `,
      },
      // Like Salt: True unless the request times out (or there is no master to ask); the
      // master's own answer (False when allow_minion_key_revoke is off) is not looked at.
      async ({ preserve_minion_cache }, ctx) => {
        const request = ctx.minion?.request;
        if (!request) return false;
        try {
          await request({ cmd: 'revoke_auth', id: ctx.opts.id, preserve_minion_cache: preserve_minion_cache === true });
        } catch (err) {
          ctx.log.warn(`saltutil.revoke_auth: the master did not answer: ${(err as Error).message}`);
          return false;
        }
        return true;
      },
    ),

    running: defineFunction(
      {
        doc: `
          Return the data on all running salt processes on the minion

          CLI Example:

          .. code-block:: bash

              salt '*' saltutil.running
        `,
      },
      (_p, ctx) => runningJobs(ctx),
    ),

    find_job: defineFunction(
      {
        args: ['jid'],
        doc: `
          Return the data for a specific job id that is currently running.

          jid
              The job id to search for and return data.

          CLI Example:

          .. code-block:: bash

              salt '*' saltutil.find_job <job id>

          Note that the find_job function only returns job information when the job is still running. If
          the job is currently running, the output looks something like this:

          .. code-block:: bash

              # salt my-minion saltutil.find_job 20160503150049487736
              my-minion:
                  ----------
                  arg:
                      - 30
                  fun:
                      test.sleep
                  jid:
                      20160503150049487736
                  pid:
                      9601
                  ret:
                  tgt:
                      my-minion
                  tgt_type:
                      glob
                  user:
                      root

          If the job has already completed, the job cannot be found and therefore the function returns
          an empty dictionary, which looks like this on the CLI:

          .. code-block:: bash

              # salt my-minion saltutil.find_job 20160503150049487736
              my-minion:
                  ----------
        `,
      },
      ({ jid }, ctx) => runningJobs(ctx).find((j) => j.jid === pyStr(jid)) ?? {},
    ),

    is_running: defineFunction(
      {
        args: ['fun'],
        doc: `
          If the named function is running return the data associated with it/them.
          The argument can be a glob

          CLI Example:

          .. code-block:: bash

              salt '*' saltutil.is_running state.highstate
        `,
      },
      ({ fun }, ctx) =>
        runningJobs(ctx).filter((j) => fnmatch(Array.isArray(j.fun) ? String(j.fun) : String(j.fun ?? ''), pyStr(fun))),
    ),

    signal_job: defineFunction(
      {
        args: ['jid', 'sig'],
        doc: `
          Sends a signal to the named salt job's process

          CLI Example:

          .. code-block:: bash

              salt '*' saltutil.signal_job <job id> 15
        `,
      },
      ({ jid, sig }, ctx) => signalJob(ctx, jid, sig),
    ),

    term_job: defineFunction(
      {
        args: ['jid'],
        doc: `
          Sends a termination signal (SIGTERM 15) to the named salt job's process

          CLI Example:

          .. code-block:: bash

              salt '*' saltutil.term_job <job id>
        `,
      },
      ({ jid }, ctx) => signalJob(ctx, jid, osConstants.signals.SIGTERM),
    ),

    kill_job: defineFunction(
      {
        args: ['jid'],
        doc: `
          Sends a kill signal (SIGKILL 9) to the named salt job's process

          CLI Example:

          .. code-block:: bash

              salt '*' saltutil.kill_job <job id>
        `,
      },
      ({ jid }, ctx) => signalJob(ctx, jid, osConstants.signals.SIGKILL),
    ),

    term_all_jobs: defineFunction(
      {
        doc: `
          Sends a termination signal (SIGTERM 15) to all currently running jobs

          CLI Example:

          .. code-block:: bash

              salt '*' saltutil.term_all_jobs
        `,
      },
      (_p, ctx) => runningJobs(ctx).map((j) => signalJob(ctx, j.jid, osConstants.signals.SIGTERM)),
    ),

    kill_all_jobs: defineFunction(
      {
        doc: `
          Sends a kill signal (SIGKILL 9) to all currently running jobs

          CLI Example:

          .. code-block:: bash

              salt '*' saltutil.kill_all_jobs
        `,
      },
      (_p, ctx) => runningJobs(ctx).map((j) => signalJob(ctx, j.jid, osConstants.signals.SIGKILL)),
    ),

    ...syncFunctions,
  },
};

export default mod;
