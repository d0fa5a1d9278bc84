/**
 * The master's open-files limit, as Salt manages it: raised at start towards `max_open_files`
 * (capped by the hard limit), and checked against the number of accepted minions at every
 * maintenance run. A master holds one connection per minion on 4505 and one per minion whose
 * request is in flight on 4506; out of descriptors, libzmq retries the failed accept() in a busy
 * loop and key files cannot be read, so the warning comes well before that.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import type { Logger } from '../../log/logger.js';

export interface OpenFilesLimit {
  soft: number;
  hard: number;
}

/** This process's RLIMIT_NOFILE from /proc (Linux), or null where that is not available. */
export function openFilesLimit(limitsText?: string): OpenFilesLimit | null {
  let text = limitsText;
  if (text === undefined) {
    try {
      text = readFileSync('/proc/self/limits', 'utf8');
    } catch {
      return null;
    }
  }
  const m = /^Max open files\s+(\S+)\s+(\S+)/m.exec(text);
  if (!m) return null;
  const num = (v: string): number => (v === 'unlimited' ? Number.POSITIVE_INFINITY : Number(v));
  return { soft: num(m[1]!), hard: num(m[2]!) };
}

/**
 * Salt's `__set_max_open_files`: raises the soft limit to `max_open_files`, or to the hard limit
 * when that is lower. Node itself raises the soft limit to the hard one at start-up, so this
 * mostly logs; where it does not, util-linux `prlimit` raises it for this pid (Node cannot call
 * setrlimit on itself), and without prlimit the limit stays and the log says so.
 */
export function raiseOpenFilesLimit(maxOpenFiles: number, log: Logger, run: (limit: number, hard: number) => void = prlimit): OpenFilesLimit | null {
  const current = openFilesLimit();
  if (!current) return null;
  let { soft, hard } = current;
  if (!Number.isFinite(hard)) hard = soft;
  log.info(`Current values for max open files soft/hard setting: ${soft}/${hard}`);
  let target = maxOpenFiles;
  if (target > hard) {
    log.info(`The value for the 'max_open_files' setting, ${maxOpenFiles}, is higher than the highest value the user running salt is allowed to set (${hard}). Defaulting to ${hard}.`);
    target = hard;
  }
  if (soft >= target) return current;
  log.info(`Raising max open files value to ${target}`);
  try {
    run(target, hard);
  } catch (err) {
    log.warn(`Could not raise the open files limit to ${target}: ${(err as Error).message}`);
    return current;
  }
  const now = openFilesLimit() ?? current;
  log.info(`New values for max open files soft/hard values: ${now.soft}/${now.hard}`);
  return now;
}

function prlimit(limit: number, hard: number): void {
  execFileSync('prlimit', ['--pid', String(process.pid), `--nofile=${limit}:${hard}`], { stdio: 'ignore', timeout: 5000 });
}

/**
 * Salt's `check_max_open_files`: nothing while 4 × accepted minions fit in the soft limit,
 * else a message at INFO, WARNING or CRITICAL as the margin shrinks. Returns the level used.
 */
export function checkMaxOpenFiles(acceptedCount: number, maxOpenFiles: number, log: Logger, limit: OpenFilesLimit | null = openFilesLimit()): 'ok' | 'info' | 'warn' | 'critical' {
  log.debug(`This salt-master instance has accepted ${acceptedCount} minion keys.`);
  if (!limit || acceptedCount * 4 <= limit.soft) return 'ok';
  const soft = limit.soft;
  let msg = `The number of accepted minion keys(${acceptedCount}) should be lower than 1/4 of the max open files soft setting(${soft}). `;
  let level: 'info' | 'warn' | 'critical' = 'info';
  if (acceptedCount >= soft) {
    msg += 'salt-master will crash pretty soon! ';
    level = 'critical';
  } else if (acceptedCount * 2 >= soft) level = 'critical';
  else if (acceptedCount * 3 >= soft) level = 'warn';
  if (maxOpenFiles < limit.hard) msg += `According to the system's hard limit, there's still a margin of ${limit.hard - maxOpenFiles} to raise the salt's max_open_files setting. `;
  msg += 'Please consider raising this value.';
  log[level](msg);
  return level;
}
