import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { test } from 'node:test';
import { defaultLocale, localTimezoneName, posixTzNames, tzifFooter } from './locale.js';

test('defaultLocale() reports the C locale as Python 3.11 does (en_US, UTF-8)', () => {
  assert.deepEqual(defaultLocale({ LANG: 'C.UTF-8' }), ['en_US', 'UTF-8']);
  assert.deepEqual(defaultLocale({}), ['en_US', 'UTF-8']);
  assert.deepEqual(defaultLocale({ LANG: 'POSIX' }), ['en_US', 'UTF-8']);
});

test('defaultLocale() follows LC_ALL, LC_CTYPE, LANG and normalizes the encoding', () => {
  assert.deepEqual(defaultLocale({ LANG: 'de_DE.utf8' }), ['de_DE', 'UTF-8']);
  assert.deepEqual(defaultLocale({ LANG: 'C', LC_CTYPE: 'fr_FR.ISO-8859-1' }), ['fr_FR', 'ISO8859-1']);
  assert.deepEqual(defaultLocale({ LANG: 'de_DE.UTF-8', LC_ALL: 'sv_SE.UTF-8@euro' }), ['sv_SE', 'UTF-8']);
  assert.deepEqual(defaultLocale({ LANG: 'en_GB' }), ['en_GB', null]);
});

test('posixTzNames() reads std/dst names and the std offset', () => {
  assert.deepEqual(posixTzNames('CET-1CEST,M3.5.0,M10.5.0/3'), { std: 'CET', dst: 'CEST', stdOffsetMinutes: 60 });
  assert.deepEqual(posixTzNames('EST5EDT,M3.2.0,M11.1.0'), { std: 'EST', dst: 'EDT', stdOffsetMinutes: -300 });
  assert.deepEqual(posixTzNames('<+03>-3'), { std: '+03', dst: null, stdOffsetMinutes: 180 });
  assert.deepEqual(posixTzNames('UTC0'), { std: 'UTC', dst: null, stdOffsetMinutes: 0 });
});

test('localTimezoneName() gives UTC here and the season’s abbreviation for a zone in $TZ', async () => {
  assert.equal(await localTimezoneName({ TZ: 'UTC' }), 'UTC');
  assert.equal(await localTimezoneName({ TZ: 'EST5EDT' }, new Date('2024-01-15T12:00:00Z')), 'EST');
  if (existsSync('/usr/share/zoneinfo/Europe/Paris')) {
    assert.equal(tzifFooter(readFileSync('/usr/share/zoneinfo/Europe/Paris')), 'CET-1CEST,M3.5.0,M10.5.0/3');
    assert.equal(await localTimezoneName({ TZ: 'Europe/Paris' }, new Date('2024-01-15T12:00:00Z')), 'CET');
    assert.equal(await localTimezoneName({ TZ: 'Europe/Paris' }, new Date('2024-07-15T12:00:00Z')), 'CEST');
  }
});
