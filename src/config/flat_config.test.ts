import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseConfigYaml, parseConfigYamlDocument } from './config_yaml.js';
import { parseFlatConfig } from './flat_config.js';

const FILE = '/etc/salt/minion';

/** The full parse's result, or the error message it throws. */
function full(text: string): unknown {
  try {
    const { data, sources } = parseConfigYamlDocument(text, FILE);
    return { data, sources: [...sources] };
  } catch (err) {
    return { error: (err as Error).message };
  }
}

/** Asserts the fast path either declines `text` or gives exactly what the full parse gives. */
function assertSame(text: string): boolean {
  const flat = parseFlatConfig(text, FILE);
  if (flat === null) return false;
  assert.deepEqual({ data: flat.data, sources: [...flat.sources] }, full(text), JSON.stringify(text));
  return true;
}

const FLAT_FILES = [
  '',
  '# only a comment\n\n   # indented comment\n',
  'id: bench-minion\nroot_dir: "/tmp/salt-ts-it-91iPQs/master"\nfile_client: local\n',
  'interface: "127.0.0.1"\npublish_port: 34235\nret_port: 43501\nworker_threads: 2\nauto_accept: true\n',
  'a: yes\nb: No\nc: on\nd: OFF\ne: y\nf: n\ng: True\nh: ~\ni:\nj: null\nk: NULL\n',
  'a: 0644\nb: 00\nc: -0644\nd: 08\ne: 0x1F\nf: 0b101\ng: 1_000\nh: "0644"\ni: +12\nj: 12345678901234567890\n',
  'a: 2024-01-02\nb: 1e3\nc: 1.0e+3\nd: 12:30\ne: 1:30.5\nf: .inf\ng: -.Inf\nh: .NaN\ni: .5\nj: 3.\n',
  "a: 'single # not a comment'\nb: \"double: quoted\"\nc: plain value with  spaces\nd: value # a comment\ne: ''\n",
  'master: tcp://10.0.0.1:4506\nlog_file: /var/log/salt/minion\nlog_level: warning   \nuser: root\n',
  'Yes: 1\nnull: 2\n_x.y-z: 3\nkey2: -1\nkey3: -foo\nkey4: ~/path\nkey5: a,b\nkey6: x!y&z*\n',
];

test('flat config files take the fast path and match the full parse, values, order and key lines', () => {
  for (const text of FLAT_FILES) assert.equal(assertSame(text), true, `fast path declined ${JSON.stringify(text)}`);
});

const NOT_FLAT = [
  'file_roots:\n  base:\n    - /srv/salt\n',
  'a: [1, 2]\n',
  'a: {b: 1}\n',
  'a: "esc\\"aped"\n',
  "a: 'it''s'\n",
  'a: &x 1\nb: *x\n',
  'a: !!str 1\n',
  'a: |\n  text\n',
  'a: >\n  text\n',
  '---\na: 1\n',
  'a: 1\na: 2\n',
  'true: 1\nTrue: 2\n',
  'a:\tb\n',
  'a: b: c\n',
  'a: b:\n',
  'a: b#c\n',
  'a: multi\n  line\n',
  'a: 0x_\n',
  'a: -\n',
  'a: ? b\n',
  'a: @x\n',
  'a: `x\n',
  'a: %x\n',
  '1: x\n',
  'key : value\n',
  'key:value\n',
  'a: 1\r\nb: 2\r\n',
  '\uFEFFa: 1\n',
  'a: café\n',
  '- a\n- b\n',
  'just a string\n',
];

test('anything but a flat file is left to the full parse', () => {
  for (const text of NOT_FLAT) assert.equal(parseFlatConfig(text, FILE), null, JSON.stringify(text));
});

test('parseConfigYaml gives the full parse result for flat and other files alike', () => {
  for (const text of [...FLAT_FILES, ...NOT_FLAT]) {
    let got: unknown;
    try {
      const { data, sources } = parseConfigYaml(text, FILE);
      got = { data, sources: [...sources] };
    } catch (err) {
      got = { error: (err as Error).message };
    }
    assert.deepEqual(got, full(text), JSON.stringify(text));
  }
});

test('random flat-looking lines: the fast path never disagrees with the full parse', () => {
  // A small deterministic generator (LCG) over characters that matter to YAML's plain scalars.
  let seed = 20261126;
  const next = (n: number): number => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed % n;
  };
  const keys = ['a', 'b_c', 'yes', 'Null', 'x.y', 'k-1', 'on'];
  const alphabet = ['a', 'Z', '0', '1', '7', '9', '_', '.', '-', '+', ':', '#', ' ', '  ', '~', '/', 'x', 'e', 'E', "'", '"', ',', '!', '&', '*', '%', '@', '=', '(', '^', '$', 'inf', 'nan', 'true', 'no', '0x', '0b', '0o'];
  let taken = 0;
  for (let i = 0; i < 4000; i++) {
    const lines: string[] = [];
    for (let j = 0, n = 1 + next(3); j < n; j++) {
      let value = '';
      for (let k = 0, len = next(6); k < len; k++) value += alphabet[next(alphabet.length)];
      lines.push(`${keys[next(keys.length)]}:${next(4) ? ' ' : ''}${value}`);
    }
    if (assertSame(lines.join('\n') + '\n')) taken++;
  }
  assert.ok(taken > 500, `the fast path should take many of the generated files, took ${taken}`);
});
