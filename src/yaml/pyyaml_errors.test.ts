import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatPyYamlError, loadSaltYaml, SaltYamlError, type PyYamlErrorInfo } from './salt_yaml.js';

function pyyaml(text: string): PyYamlErrorInfo {
  try {
    loadSaltYaml(text);
  } catch (err) {
    assert.ok(err instanceof SaltYamlError);
    return err.pyyaml;
  }
  assert.fail('no error');
}

test('an unclosed flow sequence is reported at libyaml marks', () => {
  const info = pyyaml('a:\n  - names: [a, b\n  - other: 1\n');
  assert.equal(info.kind, 'ParserError');
  assert.equal(
    formatPyYamlError(info),
    `while parsing a flow sequence\n  in "<unicode string>", line 2, column 12\ndid not find expected ',' or ']'\n  in "<unicode string>", line 3, column 10`,
  );
});

test('Jinja braces reaching YAML give libyaml flow-mapping errors', () => {
  assert.equal(
    formatPyYamlError(pyyaml("a: {{ grains['os'] }}\n")),
    `while parsing a flow mapping\n  in "<unicode string>", line 1, column 5\ndid not find expected ',' or '}'\n  in "<unicode string>", line 1, column 13`,
  );
  assert.match(formatPyYamlError(pyyaml('a: {{ x }}\n')), /found unacceptable key \[\(ScalarNode\(tag='tag:yaml.org,2002:str', value='x'\), ScalarNode\(tag='tag:yaml.org,2002:null', value=''\)\)\]/);
});

test('scanner, composer and constructor errors get PyYAML classes and contexts', () => {
  assert.deepEqual(pyyaml('a:\n\tb: 1\n').problem, 'found character that cannot start any token');
  assert.equal(pyyaml('a: b: c\n').kind, 'ScannerError');
  assert.equal(pyyaml('a: 1\n---\nb: 2\n').kind, 'ComposerError');
  const dup = pyyaml('m:\n  a: 1\n  a: 2\n');
  assert.equal(
    formatPyYamlError(dup),
    `while constructing a mapping\n  in "<unicode string>", line 2, column 3\nfound conflicting ID 'a'\n  in "<unicode string>", line 3, column 3`,
  );
});

test('the historical message of SaltYamlError is unchanged', () => {
  assert.throws(() => loadSaltYaml('a: 1\na: 2\n'), { message: "while constructing a mapping: found conflicting ID 'a' at line 2 column 1" });
});
