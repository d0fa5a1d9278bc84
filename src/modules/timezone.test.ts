import assert from 'node:assert/strict';
import { existsSync, readFileSync, readlinkSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { test } from 'node:test';
import { Loader } from '../loader/loader.js';
import { runFunction } from '../loader/run.js';
import { systemdBooted } from './debian_service.js';

const loader = new Loader({ opts: { id: 'm1' } });
const call = (fun: string, args: unknown[] = [], kwargs: Record<string, unknown> = {}) => loader.call(fun, args, kwargs);
const debianNoSystemd =
  existsSync('/etc/timezone') && !systemdBooted() ? false : 'reads /etc/timezone on a Debian minion without systemd';

test('timezone.get_zone reads /etc/timezone; zone_compare compares /etc/localtime with the zone file', { skip: debianNoSystemd }, async () => {
  const zone = readFileSync('/etc/timezone', 'utf8').trim();
  assert.equal(await call('timezone.get_zone'), zone);
  assert.equal(await call('timezone.zone_compare', [zone]), true);
  const other = zone === 'Asia/Tokyo' ? 'Europe/Paris' : 'Asia/Tokyo';
  assert.equal(await call('timezone.zone_compare', [other]), false);
  const r = await runFunction(loader, 'timezone.zone_compare', ['No/Such_Zone']);
  assert.deepEqual([r.return, r.retcode], [`ERROR executing 'timezone.zone_compare': Can't find a local timezone "No/Such_Zone"`, 1]);
});

test('timezone.get_offset and get_zonecode come from date', async () => {
  assert.match(String(await call('timezone.get_offset')), /^[+-]\d{4}$/);
  assert.match(String(await call('timezone.get_zonecode')), /^[A-Z+-][A-Za-z0-9+-]*$/);
});

test('timezone.set_zone relinks /etc/localtime and rewrites /etc/timezone (set to the current zone, restored after)', { skip: debianNoSystemd || (process.getuid?.() !== 0 ? 'needs root' : false) }, async () => {
  const link = readlinkSync('/etc/localtime');
  const tzText = readFileSync('/etc/timezone', 'utf8');
  const zone = tzText.trim();
  try {
    assert.equal(await call('timezone.set_zone', [zone]), true);
    assert.equal(readlinkSync('/etc/localtime'), `/usr/share/zoneinfo/${zone}`);
    assert.equal(readFileSync('/etc/timezone', 'utf8'), `${zone}\n`);
    assert.equal(await call('timezone.set_zone', ['No/Such_Zone']), 'Zone does not exist: /usr/share/zoneinfo/No/Such_Zone');
    assert.equal(readlinkSync('/etc/localtime'), `/usr/share/zoneinfo/${zone}`, 'an unknown zone changes nothing');
  } finally {
    rmSync('/etc/localtime', { force: true });
    symlinkSync(link, '/etc/localtime');
    writeFileSync('/etc/timezone', tzText);
  }
});

test('timezone.get_hwclock reads /etc/adjtime, or None when there is no RTC', { skip: debianNoSystemd }, async () => {
  const hw = await call('timezone.get_hwclock');
  if (existsSync('/etc/adjtime')) assert.ok(['UTC', 'LOCAL'].includes(String(hw)));
  else if (!existsSync('/dev/rtc')) assert.equal(hw, null);
});
