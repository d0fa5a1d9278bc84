import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadCases } from '../../test/support/conformance.js';
import { formatJidInstance, formatJidInstanceExt, genJid, isJid, JidGenerator, jidDir, jidToTime } from './jid.js';
import { fromTagged } from './_tagged.js';

const cases = loadCases('wire', 'jid.json');

/** `2025-03-19T12:00:00.123456` (naive UTC) → microseconds since the epoch. */
function micros(iso: string): bigint {
  const [whole, frac = '0'] = iso.split('.');
  return BigInt(Date.parse(whole + 'Z')) * 1000n + BigInt(frac.padEnd(6, '0'));
}

for (const c of cases) {
  const { input, expected } = c;
  let run: () => void;
  if (c.id.startsWith('gen-jid-')) {
    run = () => {
      const gen = new JidGenerator();
      const unique = input.opts?.unique_jid === true;
      const readings: string[] = input.utc_now_sequence ?? [input.utc_now];
      const jids = readings.map((r) => gen.next({ unique, pid: input.pid, now: micros(r) }));
      if (expected.jids) assert.deepEqual(jids, expected.jids);
      if (expected.jid !== undefined) {
        assert.equal(jids[0], expected.jid);
        assert.equal(isJid(jids[0]), expected.is_jid);
        assert.equal(jidToTime(jids[0]), expected.jid_to_time);
      }
    };
  } else if (c.id.startsWith('is-jid-')) {
    run = () => assert.equal(isJid(fromTagged(input.value)), expected.value);
  } else if (c.id.startsWith('jid-to-time-')) {
    run = () => {
      if (expected.error) assert.throws(() => jidToTime(input.jid), RangeError);
      else assert.equal(jidToTime(input.jid), expected.value);
    };
  } else if (c.id.startsWith('jid-dir-')) {
    run = () => assert.equal(jidDir(input.jid, input.job_dir, input.hash_type), expected.value);
  } else if (c.id.startsWith('format-jid-')) {
    run = () => {
      const format = c.id.includes('-ext') ? formatJidInstanceExt : formatJidInstance;
      const got = format(input.jid, input.job);
      assert.deepEqual(got, expected.value);
      assert.deepEqual(Object.keys(got), Object.keys(expected.value));
    };
  } else {
    run = () => assert.fail(`no replay rule for ${c.id}`);
  }
  test(`jid.json ${c.id}: ${c.what ?? ''}`.slice(0, 150), run);
}

test('unique jids get the pid suffix and bump by 1 µs when the clock repeats or goes back', () => {
  const gen = new JidGenerator();
  const seq = ['2025-03-19T12:00:00.000005', '2025-03-19T12:00:00.000005', '2025-03-19T11:59:59.000000', '2025-03-19T12:00:01.000000'];
  const jids = seq.map((r) => gen.next({ unique: true, pid: 4242, now: micros(r) }));
  assert.deepEqual(jids, [
    '20250319120000000005_4242',
    '20250319120000000006_4242',
    '20250319120000000007_4242',
    '20250319120001000000_4242',
  ]);
});

test('genJid defaults to the current UTC time as 20 digits', () => {
  const before = new Date();
  const jid = genJid();
  assert.match(jid, /^\d{20}$/);
  assert.equal(jid.slice(0, 8), before.toISOString().slice(0, 10).replace(/-/g, ''));
  assert.match(genJid({ unique: true }), new RegExp(`^\\d{20}_${process.pid}$`));
  assert.equal(genJid({ now: new Date(Date.UTC(2025, 0, 2, 3, 4, 5, 678)) }), '20250102030405678000');
});

test('isJid follows Python int() for the first 20 characters', () => {
  assert.equal(isJid('2025_319120000123456'), true);
  assert.equal(isJid('2025__19120000123456'), false);
  assert.equal(isJid('_025031912000012345_'), false);
  assert.equal(isJid(20250319120000123456), false);
  assert.equal(isJid('nocache'), false);
});

test('jidToTime throws for month 13 and maps a negative month like a Python index', () => {
  assert.throws(() => jidToTime('20251319120000123456'), RangeError);
  assert.equal(jidToTime('2025-119120000123456'), '2025, Dec 19 12:00:00.123456');
});
