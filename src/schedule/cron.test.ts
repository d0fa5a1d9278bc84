import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CronExpression } from './cron.js';
import { CronSyntaxError } from './errors.js';

const at = (y: number, mo: number, d: number, h = 0, mi = 0, s = 0) => new Date(y, mo - 1, d, h, mi, s);
const next = (expr: string, from: Date) => CronExpression.parse(expr).next(from);

test('every minute fires at the start of the following minute', () => {
  assert.deepEqual(next('* * * * *', at(2030, 1, 1, 10, 0, 30)), at(2030, 1, 1, 10, 1));
  assert.deepEqual(next('* * * * *', at(2030, 1, 1, 10, 0, 0)), at(2030, 1, 1, 10, 1));
});

test('steps, ranges and lists select the named minutes and hours', () => {
  assert.deepEqual(next('*/15 * * * *', at(2030, 1, 1, 10, 16)), at(2030, 1, 1, 10, 30));
  assert.deepEqual(next('10-40/10 * * * *', at(2030, 1, 1, 10, 41)), at(2030, 1, 1, 11, 10));
  assert.deepEqual(next('5,50 3 * * *', at(2030, 1, 1, 3, 6)), at(2030, 1, 1, 3, 50));
  assert.deepEqual(next('0 3 * * *', at(2030, 1, 1, 3, 50)), at(2030, 1, 2, 3, 0));
  assert.deepEqual(next('5/20 * * * *', at(2030, 1, 1, 0, 26)), at(2030, 1, 1, 0, 45));
});

test('months and weekdays accept names; 7 is Sunday', () => {
  assert.deepEqual(next('0 0 1 jan *', at(2030, 3, 4)), at(2031, 1, 1));
  // 2030-01-01 is a Tuesday.
  assert.deepEqual(next('30 8 * * mon-fri', at(2030, 1, 4, 9)), at(2030, 1, 7, 8, 30));
  assert.deepEqual(next('0 12 * * 7', at(2030, 1, 1)), at(2030, 1, 6, 12));
  assert.deepEqual(next('0 12 * * SUN', at(2030, 1, 1)), at(2030, 1, 6, 12));
});

test('day of month and day of week both restricted match either (Vixie cron)', () => {
  // The 15th or any Monday, whichever comes first after Tue 2030-01-01.
  assert.deepEqual(next('0 0 15 * 1', at(2030, 1, 1, 1)), at(2030, 1, 7));
  assert.deepEqual(next('0 0 15 * 1', at(2030, 1, 14, 1)), at(2030, 1, 15));
});

test('@aliases stand for their expressions', () => {
  assert.deepEqual(next('@hourly', at(2030, 1, 1, 10, 5)), at(2030, 1, 1, 11));
  assert.deepEqual(next('@daily', at(2030, 1, 1, 10, 5)), at(2030, 1, 2));
  assert.deepEqual(next('@monthly', at(2030, 1, 1, 10, 5)), at(2030, 2, 1));
  assert.deepEqual(next('@weekly', at(2030, 1, 1)), at(2030, 1, 6));
  assert.deepEqual(next('@yearly', at(2030, 1, 1, 0, 1)), at(2031, 1, 1));
});

test('leap days are found years ahead; impossible dates are an error', () => {
  assert.deepEqual(next('0 0 29 2 *', at(2030, 3, 1)), at(2032, 2, 29));
  assert.throws(() => next('0 0 30 2 *', at(2030, 1, 1)), CronSyntaxError);
});

test('matches() tells whether a minute is named', () => {
  const c = CronExpression.parse('30 8 * * 1-5');
  assert.equal(c.matches(at(2030, 1, 7, 8, 30, 45)), true);
  assert.equal(c.matches(at(2030, 1, 6, 8, 30)), false);
});

test('bad expressions are rejected with the field named', () => {
  assert.throws(() => CronExpression.parse('* * * *'), /expected 5 fields/);
  assert.throws(() => CronExpression.parse('60 * * * *'), /minute 60 is outside 0-59/);
  assert.throws(() => CronExpression.parse('* 24 * * *'), /hour 24/);
  assert.throws(() => CronExpression.parse('* * 0 * *'), /day of month 0/);
  assert.throws(() => CronExpression.parse('*/0 * * * *'), /step/);
  assert.throws(() => CronExpression.parse('5-1 * * * *'), /ends before it starts/);
  assert.throws(() => CronExpression.parse('x * * * *'), CronSyntaxError);
});
