import assert from 'node:assert/strict';
import { test } from 'node:test';
import { bindArguments } from './bind.js';
import { ArgumentBindingError } from './errors.js';

function bindError(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof ArgumentBindingError);
    return err.message;
  }
  assert.fail('expected an ArgumentBindingError');
}

test('bindArguments fills named parameters from positionals, keywords and defaults', () => {
  const b = bindArguments({ args: ['a', 'b', 'c'], defaults: { c: 3 } }, [1], { b: 2 }, 'f');
  assert.deepEqual(b, { params: { a: 1, b: 2, c: 3 }, varargs: [], kwargs: {} });
});

test('bindArguments collects *args and **kwargs when the signature takes them', () => {
  const b = bindArguments({ args: ['a'], varargs: true, kwargs: true }, [1, 2, 3], { x: 'y' }, 'f');
  assert.deepEqual(b, { params: { a: 1 }, varargs: [2, 3], kwargs: { x: 'y' } });
});

test("bindArguments gives Python's texts for too many positionals", () => {
  assert.equal(bindError(() => bindArguments({ args: [] }, [1], {}, 'ping')), 'ping() takes 0 positional arguments but 1 was given');
  assert.equal(bindError(() => bindArguments({ args: ['a'] }, [1, 2], {}, 'f')), 'f() takes 1 positional argument but 2 were given');
  assert.equal(
    bindError(() => bindArguments({ args: ['a', 'b'], defaults: { b: 1 } }, [1, 2, 3], {}, 'f')),
    'f() takes from 1 to 2 positional arguments but 3 were given',
  );
});

test("bindArguments gives Python's texts for missing and unexpected arguments", () => {
  assert.equal(bindError(() => bindArguments({ args: ['text'] }, [], {}, 'echo')), "echo() missing 1 required positional argument: 'text'");
  assert.equal(
    bindError(() => bindArguments({ args: ['a', 'b', 'c'] }, [], {}, 'f')),
    "f() missing 3 required positional arguments: 'a', 'b', and 'c'",
  );
  assert.equal(bindError(() => bindArguments({ args: ['a', 'b'] }, [], {}, 'f')), "f() missing 2 required positional arguments: 'a' and 'b'");
  assert.equal(bindError(() => bindArguments({ args: [] }, [], { x: 1 }, 'f')), "f() got an unexpected keyword argument 'x'");
  assert.equal(bindError(() => bindArguments({ args: ['a'] }, [1], { a: 2 }, 'f')), "f() got multiple values for argument 'a'");
});

test('bindArguments reports keyword problems before too many positionals, like CPython', () => {
  assert.equal(bindError(() => bindArguments({ args: [] }, [1], { x: 1 }, 'f')), "f() got an unexpected keyword argument 'x'");
});

test('bindArguments handles keyword-only parameters', () => {
  const b = bindArguments({ args: [], kwonlyargs: ['k'], defaults: { k: 5 } }, [], {}, 'f');
  assert.deepEqual(b.params, { k: 5 });
  assert.equal(
    bindError(() => bindArguments({ args: [], kwonlyargs: ['k'] }, [], {}, 'f')),
    "f() missing 1 required keyword-only argument: 'k'",
  );
});
