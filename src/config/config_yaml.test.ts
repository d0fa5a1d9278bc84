import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadCases } from '../../test/support/conformance.js';
import { parseConfigYaml, resolveSaltFloat, resolveSaltInt } from './config_yaml.js';
import { ConfigError } from './errors.js';

function parse(text: string): Record<string, unknown> {
  return parseConfigYaml(text, '/etc/salt/master').data;
}

test('parseConfigYaml reads YAML 1.1 booleans but keeps y and n as strings', () => {
  assert.deepEqual(parse('a: yes\nb: No\nc: on\nd: OFF\ne: y\nf: n\ng: True\n'), {
    a: true,
    b: false,
    c: true,
    d: false,
    e: 'y',
    f: 'n',
    g: true,
  });
});

test('parseConfigYaml strips the leading zeros of 0644 and reads it as decimal, like Salt', () => {
  assert.deepEqual(parse('a: 0644\nb: 00\nc: -0644\nd: 08\ne: 0x1F\nf: 0b101\ng: 1_000\nh: "0644"\n'), {
    a: 644,
    b: 0,
    c: -420,
    d: '08',
    e: 31,
    f: 5,
    g: 1000,
    h: '0644',
  });
});

test('parseConfigYaml keeps timestamps and dot-less exponents as strings', () => {
  assert.deepEqual(parse('a: 2024-01-02\nb: 1e3\nc: 1.0e+3\nd: 12:30\n'), { a: '2024-01-02', b: '1e3', c: 1000, d: 750 });
});

test('parseConfigYaml gives {} for an empty or comment-only file', () => {
  assert.deepEqual(parse(''), {});
  assert.deepEqual(parse('# nothing\n\n'), {});
});

test('parseConfigYaml records the line of each top-level option', () => {
  const { sources } = parseConfigYaml('# header\n\nret_port: 4506\nfile_roots:\n  base:\n    - /srv\n', '/x/master');
  assert.deepEqual(sources.get('ret_port'), { file: '/x/master', line: 3, column: 1 });
  assert.equal(sources.get('file_roots')?.line, 4);
});

test('parseConfigYaml names file, line and column of a YAML syntax error', () => {
  assert.throws(
    () => parseConfigYaml('interface: 0.0.0.0\nfile_roots: [a, b\nret_port: 1\n', '/etc/salt/master'),
    (err: unknown) =>
      err instanceof ConfigError &&
      err.code === 'ECONFIG' &&
      err.file === '/etc/salt/master' &&
      err.line === 3 &&
      err.column === 1 &&
      /^YAML syntax error in \/etc\/salt\/master line 3 column 1: /.test(err.message),
  );
});

test('parseConfigYaml refuses a duplicate key with its line', () => {
  assert.throws(
    () => parseConfigYaml('a: 1\nb: 2\na: 3\n', '/etc/salt/minion'),
    (err: unknown) => err instanceof ConfigError && err.line === 3 && /unique/.test(err.message),
  );
});

test('parseConfigYaml refuses a document that is not a mapping', () => {
  assert.throws(
    () => parseConfigYaml('- a\n- b\n', '/etc/salt/minion'),
    /\/etc\/salt\/minion line 1 must hold a mapping of options, got a list/,
  );
});

test('resolveSaltInt and resolveSaltFloat follow PyYAML for signs, bases and base 60', () => {
  assert.equal(resolveSaltInt('+017'), 15);
  assert.equal(resolveSaltInt('1:30:00'), 5400);
  assert.equal(resolveSaltFloat('-.Inf'), -Infinity);
  assert.ok(Number.isNaN(resolveSaltFloat('.NaN')));
  assert.equal(resolveSaltFloat('190:20:30.15'), 685230.15);
});

// Replays the YAML 1.1 cases of render/sls.json (real Salt 3006.10) that are plain YAML: the config
// loader uses the same SaltYamlSafeLoader as the SLS renderer.
function decode(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(decode);
  if (value && typeof value === 'object') {
    const obj = value as Record<string, unknown>;
    if (typeof obj.$float === 'string') return { nan: NaN, inf: Infinity, '-inf': -Infinity }[obj.$float];
    if (typeof obj.$bytes === 'string') return Buffer.from(obj.$bytes, 'base64');
    return Object.fromEntries(Object.entries(obj).map(([k, v]) => [k, decode(v)]));
  }
  return value;
}

// Salt quirks of PyYAML's merge and Python's 1 == True that a config file never relies on.
const EXCLUDED: Record<string, string> = {
  'render-yaml-merge-list-overlap-error': "Salt's flatten_mapping error for a << list with shared keys; the yaml package merges",
  'render-yaml-int-bool-key-collision': 'Python treats key 1 and True as equal; JavaScript keys "1" and "true" differ',
  'render-yaml-anchor-shared-state-list': 'about show_sls mutating a shared list, not about parsing',
};

const cases = loadCases('render', 'sls.json').filter((c) => {
  if (!c.id.startsWith('render-yaml-')) return false;
  const text = c.input.files?.base?.['main.sls'];
  return typeof text === 'string' && !text.includes('{%') && !text.includes('{{') && !text.startsWith('#!');
});

for (const c of cases) {
  const text: string = c.input.files.base['main.sls'];
  if (EXCLUDED[c.id]) {
    test(`conformance ${c.id} (excluded: ${EXCLUDED[c.id]})`, { skip: EXCLUDED[c.id] }, () => {});
    continue;
  }
  if ('rendered' in c.expected) {
    test(`conformance ${c.id}: ${c.what}`, () => {
      assert.deepEqual(parse(text), decode(c.expected.rendered));
    });
  } else {
    test(`conformance ${c.id}: refused (${c.expected.render_error_type})`, () => {
      assert.throws(() => parse(text), ConfigError);
    });
  }
}
