import assert from 'node:assert/strict';
import { test } from 'node:test';
import { pyFormat } from './_pyformat.js';
import { fill } from './_textwrap.js';

test('fill wraps like textwrap.fill: hyphenated words split after the hyphen, long words broken', () => {
  assert.equal(
    fill('a-b-c well-known ' + 'x'.repeat(100), { width: 30 }),
    'a-b-c well-known xxxxxxxxxxxxx\n' + 'x'.repeat(30) + '\n' + 'x'.repeat(30) + '\n' + 'x'.repeat(27),
  );
});

test('pyFormat supports positional fields, item access, !s and alignment specs', () => {
  assert.equal(
    pyFormat('{0:>10}|{1:<5}|{2!s:^7}|{3[k]}|{4:.2f}|{5:>6}', ['ab', 'c', null, { k: 'v' }, 1.005, 3]),
    '        ab|c    | None  |v|1.00|     3',
  );
});
