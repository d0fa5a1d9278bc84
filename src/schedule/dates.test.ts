import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseDate, strftime, strptime } from './dates.js';
import { DateParseError } from './errors.js';

const now = new Date(2030, 0, 1, 9, 30); // Tuesday 2030-01-01 09:30

test('parseDate reads ISO dates and times', () => {
  assert.deepEqual(parseDate('2030-05-06', now), new Date(2030, 4, 6));
  assert.deepEqual(parseDate('2030-05-06T07:08:09', now), new Date(2030, 4, 6, 7, 8, 9));
  assert.deepEqual(parseDate('2030-05-06 17:08', now), new Date(2030, 4, 6, 17, 8));
  assert.deepEqual(parseDate('5/6/2030 1:00pm', now), new Date(2030, 4, 6, 13, 0));
});

test('parseDate fills a lone time with today and a weekday with its next occurrence', () => {
  assert.deepEqual(parseDate('5:00pm', now), new Date(2030, 0, 1, 17, 0));
  assert.deepEqual(parseDate('12:15 am', now), new Date(2030, 0, 1, 0, 15));
  assert.deepEqual(parseDate('Monday 5:00pm', now), new Date(2030, 0, 7, 17, 0));
  assert.deepEqual(parseDate('Tuesday 8:00am', now), new Date(2030, 0, 1, 8, 0));
  assert.deepEqual(parseDate('Jan 5 2031 10:00', now), new Date(2031, 0, 5, 10, 0));
});

test('parseDate rejects text that is not a date', () => {
  assert.throws(() => parseDate('whenever', now), DateParseError);
  assert.throws(() => parseDate('2030-02-30', now), DateParseError);
  assert.throws(() => parseDate('25:00', now), DateParseError);
  assert.throws(() => parseDate(42, now), DateParseError);
});

test('strptime follows the format exactly', () => {
  assert.deepEqual(strptime('2030-01-02T03:04:05', '%Y-%m-%dT%H:%M:%S'), new Date(2030, 0, 2, 3, 4, 5));
  assert.deepEqual(strptime('02/01/30 07:05 PM', '%d/%m/%y %I:%M %p'), new Date(2030, 0, 2, 19, 5));
  assert.deepEqual(strptime('Mar 3 2030', '%b %d %Y'), new Date(2030, 2, 3));
  assert.throws(() => strptime('2030-01-02', '%Y-%m-%dT%H:%M:%S'), /does not match format/);
  assert.throws(() => strptime('2030-01-02T03:04:05x', '%Y-%m-%dT%H:%M:%S'), /unconverted data remains: x/);
});

test('strftime writes Python directives', () => {
  const d = new Date(2030, 0, 2, 15, 4, 5);
  assert.equal(strftime(d, '%Y-%m-%dT%H:%M:%S'), '2030-01-02T15:04:05');
  assert.equal(strftime(d, '%a %b %d %I%p %j %%'), 'Wed Jan 02 03PM 002 %');
  assert.equal(strftime(d, '%Y %B %d %A'), '2030 January 02 Wednesday');
});
