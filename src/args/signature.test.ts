import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parsePythonSignature, SignatureSyntaxError } from './signature.js';

test('parsePythonSignature reads positional params, defaults, *args and **kwargs', () => {
  assert.deepStrictEqual(parsePythonSignature('def f(name, mode=None, *args, **kwargs)'), {
    args: ['name', 'mode'],
    defaults: { mode: null },
    varargs: true,
    kwargs: true,
  });
});

test('parsePythonSignature reads annotations, keyword-only params and literal defaults', () => {
  assert.deepStrictEqual(parsePythonSignature("def f(a: int, /, b: str = 'x,y', *, c=[1, 2], d=True) -> None:"), {
    args: ['a', 'b'],
    defaults: { b: 'x,y', c: '[1, 2]', d: true },
    kwonlyargs: ['c', 'd'],
  });
});

test('parsePythonSignature accepts a bare parameter list', () => {
  assert.deepStrictEqual(parsePythonSignature('()'), { args: [] });
});

test('parsePythonSignature rejects text that is not a signature', () => {
  assert.throws(() => parsePythonSignature('f = 1'), SignatureSyntaxError);
  assert.throws(() => parsePythonSignature('def f(1a)'), SignatureSyntaxError);
});
