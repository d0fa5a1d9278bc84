import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkMaxOpenFiles, openFilesLimit, raiseOpenFilesLimit } from './open_files.js';
import type { Logger } from '../../log/logger.js';

function recorder(): { log: Logger; lines: string[] } {
  const lines: string[] = [];
  const at = (level: string) => (msg: string) => void lines.push(`${level}: ${msg}`);
  const log = { trace() {}, debug() {}, info: at('info'), warn: at('warn'), error: at('error'), critical: at('critical'), child: () => log } as unknown as Logger;
  return { log, lines };
}

test('openFilesLimit reads the soft and hard limits from /proc/<pid>/limits text', () => {
  const text = 'Limit                     Soft Limit           Hard Limit           Units\nMax open files            1024                 20000                files\n';
  assert.deepEqual(openFilesLimit(text), { soft: 1024, hard: 20000 });
  assert.deepEqual(openFilesLimit('Max open files            unlimited            unlimited            files'), { soft: Infinity, hard: Infinity });
  assert.equal(openFilesLimit('nothing here'), null);
  const own = openFilesLimit();
  assert.ok(own && own.soft > 0 && own.soft <= own.hard, 'this process has a limit on Linux');
});

test("checkMaxOpenFiles is silent below a quarter of the limit, then warns with Salt's levels and text", () => {
  const limit = { soft: 1000, hard: 5000 };
  const { log, lines } = recorder();
  assert.equal(checkMaxOpenFiles(250, 100000, log, limit), 'ok');
  assert.equal(checkMaxOpenFiles(300, 100000, log, limit), 'info');
  assert.equal(checkMaxOpenFiles(334, 100000, log, limit), 'warn');
  assert.equal(checkMaxOpenFiles(500, 100000, log, limit), 'critical');
  assert.equal(checkMaxOpenFiles(1000, 100000, log, limit), 'critical');
  assert.equal(lines.length, 4);
  assert.equal(lines[0], 'info: The number of accepted minion keys(300) should be lower than 1/4 of the max open files soft setting(1000). Please consider raising this value.');
  assert.match(lines[3]!, /^critical: .*salt-master will crash pretty soon! Please consider raising this value\.$/);
  checkMaxOpenFiles(300, 2000, log, limit);
  assert.match(lines[4]!, /there's still a margin of 3000 to raise the salt's max_open_files setting\. /);
});

test('raiseOpenFilesLimit raises the soft limit to max_open_files capped by the hard limit, and survives a failure', () => {
  const own = openFilesLimit()!;
  const calls: Array<[number, number]> = [];
  const { log, lines } = recorder();
  raiseOpenFilesLimit(own.soft + 10 ** 9, log, (limit, hard) => void calls.push([limit, hard]));
  if (own.soft < own.hard) assert.deepEqual(calls, [[own.hard, own.hard]], 'capped by the hard limit');
  else assert.deepEqual(calls, [], 'already at the hard limit: nothing to raise');
  assert.ok(lines.some((l) => l.includes('is higher than the highest value the user running salt is allowed to set')));
  const quiet = recorder();
  raiseOpenFilesLimit(Math.max(1, own.soft - 1), quiet.log, () => assert.fail('no raise below the soft limit'));
  const failing = recorder();
  if (own.soft < own.hard) {
    raiseOpenFilesLimit(own.hard, failing.log, () => {
      throw new Error('prlimit: not permitted');
    });
    assert.ok(failing.lines.some((l) => l.startsWith('warn: Could not raise the open files limit')));
  }
});
