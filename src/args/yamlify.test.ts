import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PyFloat } from '../protocol/pytypes.js';
import { argsCases } from './_conformance.js';
import { pyRepr } from './py_repr.js';
import { yamlifyArg } from './yamlify.js';

function pyType(v: unknown): string {
  if (v === null) return 'null';
  if (typeof v === 'string') return 'str';
  if (typeof v === 'boolean') return 'bool';
  if (typeof v === 'bigint' || (typeof v === 'number' && Number.isInteger(v))) return 'int';
  if (typeof v === 'number' || v instanceof PyFloat) return 'float';
  if (Array.isArray(v)) return 'list';
  return 'dict';
}

for (const c of argsCases('yamlify_arg')) {
  test(`yamlify_arg conformance ${c.id}: ${c.what ?? ''}`, () => {
    const got = yamlifyArg(c.input['arg']);
    assert.equal(pyRepr(got), c.expected['repr']);
    assert.equal(pyType(got), c.expected['type']);
    if (c.expected['non_string_dict_keys'] !== true) assert.deepStrictEqual(got, c.expected['value']);
  });
}

test('yamlifyArg returns non-strings unchanged (same object)', () => {
  const obj = { a: 1 };
  assert.equal(yamlifyArg(obj), obj);
  assert.equal(yamlifyArg(5), 5);
});

test('yamlifyArg keeps a dict loaded from a # argument even without braces', () => {
  assert.deepStrictEqual(yamlifyArg('a: 1 # c'), { a: 1 });
});

test('yamlifyArg keeps the string for bytes and sets', () => {
  assert.equal(yamlifyArg('!!binary aGVsbG8='), '!!binary aGVsbG8=');
  assert.equal(yamlifyArg('!!set {a}'), '!!set {a}');
});

test('yamlifyArg returns a Map for a dict with int keys', () => {
  assert.deepStrictEqual(yamlifyArg('{1: a}'), new Map([[1, 'a']]));
});
