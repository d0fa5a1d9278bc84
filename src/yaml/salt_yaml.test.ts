import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PyFloat } from '../protocol/pytypes.js';
import { loadSaltYaml, parseSaltYamlDocument, SaltYamlError } from './salt_yaml.js';

test('loadSaltYaml resolves YAML 1.1 scalars as PyYAML does', () => {
  assert.deepStrictEqual(loadSaltYaml('[yes, No, on, OFF, y, n, tRUE, null, ~, none, ""]'), [
    true, false, true, false, 'y', 'n', 'tRUE', null, null, 'none', '',
  ]);
  assert.deepStrictEqual(loadSaltYaml('[0x1f, 0b101, 1:30, 190:20:30, 1_000, 0o17]'), [31, 5, 90, 685230, 1000, '0o17']);
  assert.deepStrictEqual(loadSaltYaml('[1.0, .5, -.5, 1e3, 1.0e+3, 3.10, 1:30.5]'), [
    new PyFloat(1), 0.5, '-.5', '1e3', new PyFloat(1000), 3.1, 90.5,
  ]);
});

test('loadSaltYaml strips leading zeros of an unsigned int (Salt), keeping signed octal', () => {
  assert.deepStrictEqual(loadSaltYaml('[0644, 00, +0644, -0644, 08, !!int "0755"]'), [644, 0, 420, -420, '08', 755]);
});

test('loadSaltYaml keeps timestamps as strings, explicit or implicit', () => {
  assert.deepStrictEqual(loadSaltYaml('[2023-01-01, 2023-01-01 10:00:00, !!timestamp 2001-12-14]'), [
    '2023-01-01', '2023-01-01 10:00:00', '2001-12-14',
  ]);
});

test('loadSaltYaml gives bigints beyond 2^53 and special floats', () => {
  const got = loadSaltYaml('[12345678901234567890, .inf, -.Inf, .nan]') as unknown[];
  assert.equal(got[0], 12345678901234567890n);
  assert.equal(got[1], Infinity);
  assert.equal(got[2], -Infinity);
  assert.ok(Number.isNaN(got[3]));
});

test('loadSaltYaml builds binary, set, omap and pairs', () => {
  assert.deepStrictEqual(loadSaltYaml('!!binary aGVsbG8='), Buffer.from('hello'));
  assert.deepStrictEqual(loadSaltYaml('!!set {a, b}'), new Set(['a', 'b']));
  assert.deepStrictEqual(loadSaltYaml('!!omap [a: 1, b: 2]'), [['a', 1], ['b', 2]]);
  assert.deepStrictEqual(loadSaltYaml('[a: 1]'), [{ a: 1 }]);
});

test('loadSaltYaml merges << keys the way Salt flattens them', () => {
  const text = 'base: &b {k: 1, j: 2}\nx:\n  <<: *b\n  k: 3\ny:\n  <<: [{a: 1}, {b: 2}]\n  c: 3\n';
  assert.deepStrictEqual(loadSaltYaml(text), {
    base: { k: 1, j: 2 },
    x: { j: 2, k: 3 },
    y: { b: 2, a: 1, c: 3 },
  });
});

test('loadSaltYaml returns a Map when a key is not a string', () => {
  assert.deepStrictEqual(loadSaltYaml('{1: a, null: b, "2": c}'), new Map<unknown, unknown>([[1, 'a'], [null, 'b'], ['2', 'c']]));
});

test('loadSaltYaml keeps a __proto__ key as data', () => {
  const got = loadSaltYaml('__proto__: {x: 1}') as Record<string, unknown>;
  assert.deepStrictEqual(Object.keys(got), ['__proto__']);
  assert.equal(Object.getPrototypeOf(got), Object.prototype);
});

test('loadSaltYaml gives null for an empty document', () => {
  assert.equal(loadSaltYaml(''), null);
  assert.equal(loadSaltYaml('# only a comment\n'), null);
});

function yamlError(text: string, filename?: string): SaltYamlError {
  try {
    loadSaltYaml(text, { filename });
  } catch (err) {
    assert.ok(err instanceof SaltYamlError, String(err));
    return err;
  }
  assert.fail(`expected ${JSON.stringify(text)} to fail`);
}

test('loadSaltYaml rejects duplicate keys, with Python key equality, naming file and line', () => {
  const err = yamlError('a: 1\nb: 2\na: 3\n', '/srv/salt/x.sls');
  assert.equal(err.message, "while constructing a mapping: found conflicting ID 'a' in /srv/salt/x.sls line 3");
  assert.equal(err.line, 3);
  assert.equal(err.column, 1);
  assert.equal(err.code, 'SALT_YAML_ERROR');
  assert.match(yamlError('{1: a, 1.0: b}').problem, /conflicting ID/);
  assert.match(yamlError('{true: a, 1: b}').problem, /conflicting ID/);
  assert.match(yamlError('{<<: [{a: 1}, {a: 2}]}').problem, /conflicting ID 'a'/);
});

test('loadSaltYaml rejects what PyYAML safe_load rejects', () => {
  assert.match(yamlError('*a').problem, /undefined alias 'a'/);
  assert.match(yamlError('!!python/tuple [1]').problem, /could not determine a constructor/);
  assert.match(yamlError('!foo x').problem, /could not determine a constructor for the tag '!foo'/);
  assert.match(yamlError('=').problem, /tag:yaml.org,2002:value/);
  assert.match(yamlError('{[1]: a}').problem, /unacceptable key/);
  assert.match(yamlError('!!int abc').problem, /invalid literal/);
  assert.match(yamlError('1\n---\n2').problem, /multiple documents/);
  assert.match(yamlError('`x`').problem, /reserved character/);
  assert.equal(yamlError('a: [1\nb: 2\n', 'f.sls').line, 2);
});

test('loadSaltYaml allows = as a mapping key', () => {
  assert.deepStrictEqual(loadSaltYaml('{=: 1}'), { '=': 1 });
});

test('parseSaltYamlDocument reports where each key and item starts', () => {
  const doc = parseSaltYamlDocument('a: 1\nb:\n  c: [x, y]\n  d: 2\n3: z\n');
  assert.deepStrictEqual(doc.positionOf(['b', 'd']), { line: 4, column: 3 });
  assert.deepStrictEqual(doc.positionOf(['b', 'c', 1]), { line: 3, column: 10 });
  assert.deepStrictEqual(doc.positionOf(['3']), { line: 5, column: 1 });
  assert.deepStrictEqual(doc.positionOf([]), { line: 1, column: 1 });
  assert.equal(doc.positionOf(['nope']), undefined);
  assert.deepStrictEqual(doc.value, new Map<unknown, unknown>([['a', 1], ['b', { c: ['x', 'y'], d: 2 }], [3, 'z']]));
});

test('aliases share one value when positions are not tracked', () => {
  const got = loadSaltYaml('x: &a {k: 1}\ny: *a\n') as Record<string, unknown>;
  assert.equal(got['x'], got['y']);
});
