import assert from 'node:assert/strict';
import { test } from 'node:test';
import { argsCases } from './_conformance.js';
import { conditionInput, isJid, parseInput, parseKwarg } from './parse.js';
import { pyRepr } from './py_repr.js';

for (const c of argsCases('parse_kwarg')) {
  test(`parse_kwarg conformance ${c.id}`, () => {
    const got = parseKwarg(c.input['arg'] as string);
    assert.deepStrictEqual(
      { name: got?.[0] ?? null, value: got?.[1] ?? null, is_kwarg: got !== null },
      c.expected,
    );
  });
}

for (const c of argsCases('parse_input')) {
  test(`parse_input conformance ${c.id}`, () => {
    const opts = { noParse: (c.input['no_parse'] as string[] | undefined) ?? [] };
    if (c.input['condition'] === false) {
      const got = parseInput(c.input['args'] as unknown[], { ...opts, condition: false });
      assert.equal(`(${pyRepr(got.args)}, ${pyRepr(got.kwargs)})`, c.expected['repr']);
      assert.deepStrictEqual(got.args, c.expected['args']);
      assert.deepStrictEqual(got.kwargs, c.expected['kwargs']);
    } else {
      const got = parseInput(c.input['args'] as unknown[], opts);
      assert.equal(pyRepr(got), c.expected['repr']);
      assert.deepStrictEqual(got, c.expected['value']);
    }
  });
}

for (const c of argsCases('condition_input')) {
  test(`condition_input conformance ${c.id}`, () => {
    const got = conditionInput(c.input['args'] as unknown[], c.input['kwargs'] as Record<string, unknown> | null);
    assert.equal(pyRepr(got), c.expected['repr']);
    assert.deepStrictEqual(got, c.expected['value']);
  });
}

for (const c of argsCases('localclient_api')) {
  test(`localclient_api conformance ${c.id}: strings in arg are published unparsed`, () => {
    const got = conditionInput(c.input['arg'] as unknown[], c.input['kwarg'] as Record<string, unknown> | null);
    assert.equal(pyRepr(got), c.expected['repr']);
    assert.deepStrictEqual(got, c.expected['published_arg']);
  });
}

test('conditionInput turns a 20-digit int into a JID string', () => {
  assert.deepStrictEqual(conditionInput([20240101123456789012n, 5], {}), ['20240101123456789012', 5]);
});

test('isJid accepts 20 digits with an _suffix and rejects 19 digits', () => {
  assert.equal(isJid('20240101123456789012_x'), true);
  assert.equal(isJid('2024010112345678901'), false);
  assert.equal(isJid('2024010112345678901a'), false);
});

test('parseInput drops a __kwarg__: false key from a positional dict', () => {
  assert.deepStrictEqual(parseInput([{ __kwarg__: false, a: 1 }]), [{ a: 1 }]);
});

test('parseKwarg takes a Unicode letter but not a combining mark or digit as first character', () => {
  assert.deepStrictEqual(parseKwarg('ñame=1'), ['ñame', '1']);
  assert.equal(parseKwarg('\u0301a=1'), null);
  assert.equal(parseKwarg('٣a=1'), null);
});

test('parseKwarg keeps a carriage return in the value', () => {
  assert.deepStrictEqual(parseKwarg('a=b\r'), ['a', 'b\r']);
});
