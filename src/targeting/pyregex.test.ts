import assert from 'node:assert/strict';
import { test } from 'node:test';
import { pyRegex, PyRegexError, PyRegexUnsupportedError, pyReMatch } from './pyregex.js';

const m = (p: string, s: string, flags = '') => pyReMatch(p, s, flags) !== null;

test('pyReMatch anchors at the start only', () => {
  assert.equal(m('web\\d+', 'web01.example.com'), true);
  assert.equal(m('example', 'web01.example.com'), false);
  assert.equal(m('', 'anything'), true);
});

test('pyRegex: $ also matches before a final newline, \\Z and \\A do not bend', () => {
  assert.equal(m('a$', 'a\n'), true);
  assert.equal(m('a\\Z', 'a\n'), false);
  assert.equal(pyRegex('\\Ab').test('ab'), false);
  assert.equal(m('(?m)a$\\nb', 'a\nb'), true);
});

test('pyRegex: . excludes only \\n unless DOTALL, scoped (?s:...) too', () => {
  assert.equal(m('.', '\r'), true);
  assert.equal(m('.', '\n'), false);
  assert.equal(m('(?s).', '\n'), true);
  assert.equal(m('(?s:.)b', '\nb'), true);
});

test('pyRegex: \\w, \\d, \\s and \\b follow Python Unicode rules', () => {
  assert.equal(m('\\w+$', 'münchen'), true);
  assert.equal(m('\\d', '٣'), true);
  assert.equal(m('(?a)\\d', '٣'), false);
  assert.equal(m('\\s', '\x1c'), true);
  assert.equal(m('\\s', '\ufeff'), false);
  assert.equal(m('\\bfoo\\b', 'foo bar'), true);
  assert.equal(m('[^\\W\\d]+$', 'abc'), true);
});

test('pyRegex: named groups, (?P=name) and numbered backreferences', () => {
  const r = pyRegex('(?P<w>a+)-(?P=w)');
  assert.equal(r.exec('aa-aa')?.groups?.w, 'aa');
  assert.equal(m('(a)b\\1', 'aba'), true);
  assert.equal(m('(?P<x>a)(?P=x)', 'ab'), false);
});

test('pyRegex: inline flags at the start, anywhere (3.10) and scoped', () => {
  assert.equal(m('(?i)WEB', 'web01'), true);
  assert.equal(m('a(?i)B', 'Ab'), true);
  assert.equal(m('(?i:a)b', 'Ab'), true);
  assert.equal(m('(?i:a)b', 'AB'), false);
  assert.equal(m('(?x) a b  # comment', 'ab'), true);
  assert.equal(m('WEB', 'web', 'i'), true);
});

test('pyRegex: {} forms that are not repeats are literals; {,n} is {0,n}', () => {
  assert.equal(m('a{}', 'a{}'), true);
  assert.equal(m('a{1,2', 'a{1,2'), true);
  assert.equal(m('a{,2}b$', 'aab'), true);
  assert.equal(m('a{,2}b$', 'aaab'), false);
});

test('pyRegex throws PyRegexError with Python messages and positions', () => {
  const cases: Array<[string, string]> = [
    ['[', 'unterminated character set at position 0'],
    ['*a', 'nothing to repeat at position 0'],
    ['a**', 'multiple repeat at position 2'],
    ['(a', 'missing ), unterminated subpattern at position 0'],
    ['a)', 'unbalanced parenthesis at position 1'],
    ['\\q', 'bad escape \\q at position 0'],
    ['(?<x>a)', 'unknown extension ?<x at position 1'],
    ['(?<=a+)b', 'look-behind requires fixed-width pattern'],
    ['(a)\\2', 'invalid group reference 2 at position 4'],
    ['[z-a]', 'bad character range z-a at position 1'],
    ['(?P<n>a)(?P<n>b)', "redefinition of group name 'n' as group 2; was group 1 at position 12"],
    ['a{2,1}', 'min repeat greater than max repeat at position 2'],
    ['(?P=x)', "unknown group name 'x' at position 4"],
    ['(?P<1>a)', "bad character in group name '1' at position 4"],
    ['(?i', 'missing -, : or ) at position 3'],
    ['(?z)', 'unknown extension ?z at position 1'],
    ['\\x4', 'incomplete escape \\x4 at position 0'],
    ['(?#abc', 'missing ), unterminated comment at position 0'],
    ['(?>a)', 'unknown extension ?> at position 1'],
    ['a*+', 'multiple repeat at position 2'],
  ];
  for (const [pattern, message] of cases) {
    assert.throws(
      () => pyRegex(pattern),
      (e: unknown) => e instanceof PyRegexError && e.message === message && e.pyType === 'error',
      pattern,
    );
  }
});

test('pyRegex reports line and column for multi-line patterns', () => {
  assert.throws(() => pyRegex('a\n['), { message: 'unterminated character set at position 2 (line 2, column 1)' });
});

test('pyRegex refuses constructs JavaScript cannot express', () => {
  assert.throws(() => pyRegex('(a)?(?(1)b|c)'), PyRegexUnsupportedError);
  assert.throws(() => pyRegex('\\N{DIGIT ONE}'), PyRegexUnsupportedError);
});
