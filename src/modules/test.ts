/**
 * Salt's `test` execution module: functions to check that a minion answers and that arguments,
 * return codes and outputters travel as they should.
 */
import { createHash, getHashes, randomInt } from 'node:crypto';
import { setTimeout as sleepMs } from 'node:timers/promises';
import { CommandExecutionError, CommandNotFoundError, SaltInvocationError, ArgumentBindingError } from '../loader/errors.js';
import { defineFunction } from '../loader/define.js';
import type { SaltModule } from '../loader/types.js';
import { pyFloat } from '../protocol/pytypes.js';
import { SALT_VERSION, versionsReport } from '../version.js';
import { pyInt, PyValueError } from './_pyconv.js';
import { pyRepr, pyTupleRepr, pyTypeName } from './_pyrepr.js';

function elapsedSince(start: bigint): number {
  return Number(process.hrtime.bigint() - start) / 1e9;
}

/** Sleeps `seconds`, ending early (with an AbortError) when the job is killed. */
async function sleepSeconds(seconds: number, signal?: AbortSignal): Promise<void> {
  await sleepMs(Math.max(0, seconds * 1000), undefined, signal ? { signal } : undefined);
}

/** `__pub_*` and other dunder keywords removed, as `salt.utils.args.clean_kwargs` does. */
function cleanKwargs(kwargs: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(kwargs).filter(([k]) => !k.startsWith('__')));
}

/** Python built-in exceptions `test.raise_exception` can raise, by name. */
const BUILTIN_EXCEPTIONS = new Set([
  'Exception', 'ArithmeticError', 'AssertionError', 'AttributeError', 'EOFError', 'FileExistsError',
  'FileNotFoundError', 'ImportError', 'IndexError', 'KeyError', 'LookupError', 'MemoryError', 'NameError',
  'NotImplementedError', 'OSError', 'OverflowError', 'PermissionError', 'RuntimeError', 'TimeoutError',
  'TypeError', 'ValueError', 'ZeroDivisionError', 'IOError', 'KeyboardInterrupt', 'SystemExit',
]);

function pythonException(name: string, message: string): Error {
  if (name === 'TypeError') return new ArgumentBindingError(message);
  if (name === 'ValueError') return new PyValueError(message);
  const err = new Error(message);
  Object.defineProperty(err, 'name', { value: name });
  return err;
}

const mod: SaltModule = {
  name: 'test',
  functions: {
    ping: defineFunction(
      {
        doc: `
          Used to make sure the minion is up and responding. Not an ICMP ping.

          Returns \`\`True\`\`.

          CLI Example:

          .. code-block:: bash

              salt '*' test.ping
        `,
      },
      (_p, ctx) => {
        ctx.log.debug(`test.ping received for minion '${String(ctx.opts.id ?? '')}'`);
        return true;
      },
    ),

    echo: defineFunction(
      {
        args: ['text'],
        doc: `
          Return a string - used for testing the connection

          CLI Example:

          .. code-block:: bash

              salt '*' test.echo 'foo bar baz quo qux'
        `,
      },
      ({ text }) => text,
    ),

    sleep: defineFunction(
      {
        args: ['length'],
        doc: `
          Instruct the minion to initiate a process that will sleep for a given
          period of time (whole seconds). Returns True.

          CLI Example:

          .. code-block:: bash

              salt '*' test.sleep 20
        `,
      },
      async ({ length }, ctx) => {
        await sleepSeconds(pyInt(length), ctx.signal);
        return true;
      },
    ),

    rand_sleep: defineFunction(
      {
        args: ['max'],
        defaults: { max: 60 },
        doc: `
          Sleep for a random number of seconds (0 to max), used to test long-running
          commands and minions returning at differing intervals

          CLI Example:

          .. code-block:: bash

              salt '*' test.rand_sleep 60
        `,
      },
      async ({ max }, ctx) => {
        const upper = pyInt(max);
        if (upper < 0) throw new PyValueError(`empty range for randrange() (0, ${upper + 1}, ${upper + 1})`);
        await sleepSeconds(randomInt(0, upper + 1), ctx.signal);
        return true;
      },
    ),

    version: defineFunction(
      {
        doc: `
          Return the version of salt on the minion

          CLI Example:

          .. code-block:: bash

              salt '*' test.version
        `,
      },
      () => SALT_VERSION,
    ),

    versions_information: defineFunction(
      {
        doc: `
          Report the versions of dependent and system software

          CLI Example:

          .. code-block:: bash

              salt '*' test.versions_information
        `,
      },
      () => {
        const out: Record<string, Record<string, string | null>> = {};
        let section = '';
        for (const line of versionsReport()) {
          if (line.trim() === '') continue;
          if (line.endsWith(':') && !line.startsWith(' ')) {
            section = line.slice(0, -1);
            out[section] = {};
            continue;
          }
          const idx = line.indexOf(': ');
          const value = line.slice(idx + 2);
          out[section][line.slice(0, idx).trim()] = value === 'Not Installed' ? null : value;
        }
        return out;
      },
    ),

    versions_report: defineFunction(
      {
        doc: `
          Returns versions of components used by salt

          CLI Example:

          .. code-block:: bash

              salt '*' test.versions_report
        `,
      },
      () => versionsReport().join('\n'),
    ),

    versions: defineFunction(
      {
        doc: `
          Returns versions of components used by salt (an alias of test.versions_report)

          CLI Example:

          .. code-block:: bash

              salt '*' test.versions
        `,
        pyName: 'versions_report',
      },
      () => versionsReport().join('\n'),
    ),

    get_opts: defineFunction(
      {
        doc: `
          Return the configuration options passed to this minion

          CLI Example:

          .. code-block:: bash

              salt '*' test.get_opts
        `,
      },
      (_p, ctx) => ctx.opts,
    ),

    opts_pkg: defineFunction(
      {
        doc: `
          Return an opts package with the grains and opts for this minion.
          This is primarily used to create the options used for master side
          state compiling routines

          CLI Example:

          .. code-block:: bash

              salt '*' test.opts_pkg
        `,
      },
      (_p, ctx) => ({ ...ctx.opts, grains: ctx.grains }),
    ),

    cross_test: defineFunction(
      {
        args: ['func', 'args'],
        defaults: { args: null },
        doc: `
          Execute a minion function via the __salt__ object in the test
          module, used to verify that the minion functions can be called
          via the __salt__ module.

          CLI Example:

          .. code-block:: bash

              salt '*' test.cross_test file.gid_to_group 0
        `,
      },
      ({ func, args }, ctx) => ctx.salt(String(func), Array.isArray(args) ? args : args == null ? [] : [args]),
    ),

    kwarg: defineFunction(
      {
        kwargs: true,
        doc: `
          Print out the data passed into the function \`\`**kwargs\`\`, this is used to
          both test the publication data and cli kwarg passing, but also to display
          the information available within the publication data.

          CLI Example:

          .. code-block:: bash

              salt '*' test.kwarg num=1 txt="two" env='{a: 1, b: "hello"}'
        `,
      },
      (_p, _ctx, { kwargs }) => kwargs,
    ),

    arg: defineFunction(
      {
        varargs: true,
        kwargs: true,
        doc: `
          Print out the data passed into the function \`\`*args\`\` and \`\`\`kwargs\`\`, this
          is used to both test the publication data and cli argument passing, but
          also to display the information available within the publication data.
          Returns {"args": args, "kwargs": kwargs}.

          CLI Example:

          .. code-block:: bash

              salt '*' test.arg 1 "two" 3.1 txt="hello" wow='{a: 1, b: "hello"}'
        `,
      },
      (_p, _ctx, { varargs, kwargs }) => ({ args: varargs, kwargs }),
    ),

    arg_type: defineFunction(
      {
        varargs: true,
        kwargs: true,
        doc: `
          Print out the types of the args and kwargs. This is used to test the types
          of the args and kwargs passed down to the minion

          CLI Example:

          .. code-block:: bash

                 salt '*' test.arg_type 1 'int'
        `,
      },
      (_p, _ctx, { varargs, kwargs }) => ({
        args: varargs.map((a) => `<class '${pyTypeName(a)}'>`),
        kwargs: Object.fromEntries(Object.entries(kwargs).map(([k, v]) => [k, `<class '${pyTypeName(v)}'>`])),
      }),
    ),

    arg_repr: defineFunction(
      {
        varargs: true,
        kwargs: true,
        doc: `
          Print out the data passed into the function \`\`*args\`\` and \`\`\`kwargs\`\`, this
          is used to both test the publication data and cli argument passing, but
          also to display the information available within the publication data.
          Returns {"args": repr(args), "kwargs": repr(kwargs)}.

          CLI Example:

          .. code-block:: bash

              salt '*' test.arg_repr 1 "two" 3.1 txt="hello" wow='{a: 1, b: "hello"}'
        `,
      },
      (_p, _ctx, { varargs, kwargs }) => ({ args: pyTupleRepr(varargs), kwargs: pyRepr(kwargs) }),
    ),

    arg_clean: defineFunction(
      {
        varargs: true,
        kwargs: true,
        doc: `
          Like test.arg but cleans kwargs of the __pub* items
          CLI Example:

          .. code-block:: bash

              salt '*' test.arg_clean 1 "two" 3.1 txt="hello" wow='{a: 1, b: "hello"}'
        `,
      },
      (_p, _ctx, { varargs, kwargs }) => ({ args: varargs, kwargs: cleanKwargs(kwargs) }),
    ),

    fib: defineFunction(
      {
        args: ['num'],
        doc: `
          Return the num-th Fibonacci number, and the time it took to compute in
          seconds. Used for performance tests.

          This function is designed to have terrible performance.

          CLI Example:

          .. code-block:: bash

              salt '*' test.fib 3
        `,
      },
      ({ num }) => {
        const n = pyInt(num);
        if (n < 0) throw new PyValueError('Negative number is not allowed!');
        const start = process.hrtime.bigint();
        if (n < 2) return [n, pyFloat(elapsedSince(start))];
        let prev = 0n;
        let curr = 1n;
        for (let i = 1; i < n; i++) [prev, curr] = [curr, prev + curr];
        const value = curr <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(curr) : curr;
        return [value, pyFloat(elapsedSince(start))];
      },
    ),

    collatz: defineFunction(
      {
        args: ['start'],
        doc: `
          Execute the collatz conjecture from the passed starting number,
          returns the sequence and the time it took to compute. Used for
          performance tests.

          CLI Example:

          .. code-block:: bash

              salt '*' test.collatz 3
        `,
      },
      ({ start }) => {
        let n = pyInt(start);
        const begin = process.hrtime.bigint();
        const steps: unknown[] = [];
        // Python's true division makes every value after the first halving a float.
        let isFloat = false;
        while (n !== 1) {
          steps.push(isFloat ? pyFloat(n) : n);
          if (n > 1) {
            if (n % 2 === 0) {
              n = n / 2;
              isFloat = true;
            } else n = n * 3 + 1;
          } else break;
        }
        return [steps, pyFloat(elapsedSince(begin))];
      },
    ),

    outputter: defineFunction(
      {
        args: ['data'],
        doc: `
          Test the outputter, pass in data to return

          CLI Example:

          .. code-block:: bash

              salt '*' test.outputter foobar
        `,
      },
      ({ data }) => data,
    ),

    retcode: defineFunction(
      {
        args: ['code'],
        defaults: { code: 42 },
        doc: `
          Test that the returncode system is functioning correctly

          CLI Example:

          .. code-block:: bash

              salt '*' test.retcode 42
        `,
      },
      ({ code }, ctx) => {
        ctx.context.retcode = code;
        return true;
      },
    ),

    provider: defineFunction(
      {
        args: ['module'],
        doc: `
          Pass in a function name to discover what provider is being used

          CLI Example:

          .. code-block:: bash

              salt '*' test.provider service
        `,
      },
      ({ module }, ctx) => ctx.loader.provider(String(module)),
    ),

    providers: defineFunction(
      {
        doc: `
          Return a dict of the provider names and the files that provided them

          CLI Example:

          .. code-block:: bash

              salt '*' test.providers
        `,
      },
      async (_p, ctx) => {
        const ret: Record<string, string> = {};
        for (const modName of await ctx.loader.listModules()) ret[await ctx.loader.provider(modName)] = modName;
        return ret;
      },
    ),

    rand_str: defineFunction(
      {
        args: ['size', 'hash_type'],
        defaults: { size: 9999999999, hash_type: null },
        doc: `
          This function has been renamed to
          random_hash. This function will stay to
          ensure backwards compatibility, but please
          switch to using the prefered name random_hash.
        `,
      },
      ({ size, hash_type }, ctx) => randomHash(size, hash_type, ctx.opts),
    ),

    random_hash: defineFunction(
      {
        args: ['size', 'hash_type'],
        defaults: { size: 9999999999, hash_type: null },
        doc: `
          .. versionadded:: 2015.5.2
          .. versionchanged:: 2018.3.0
              Function has been renamed from \`\`test.rand_str\`\` to
              \`\`test.random_hash\`\`

          Generates a random number between 1 and \`\`size\`\`, then returns a hash of
          that number. If no \`\`hash_type\`\` is passed, the hash_type specified by the
          minion's :conf_minion:\`hash_type\` config option is used.

          CLI Example:

          .. code-block:: bash

              salt '*' test.random_hash
              salt '*' test.random_hash hash_type=sha512
        `,
      },
      ({ size, hash_type }, ctx) => randomHash(size, hash_type, ctx.opts),
    ),

    exception: defineFunction(
      {
        args: ['message'],
        defaults: { message: 'Test Exception' },
        doc: `
          Raise an exception

          Optionally provide an error message or output the full stack.

          CLI Example:

          .. code-block:: bash

              salt '*' test.exception 'Oh noes!'
        `,
      },
      ({ message }) => {
        throw new Error(String(message));
      },
    ),

    stack: defineFunction(
      {
        doc: `
          Return the current stack trace

          CLI Example:

          .. code-block:: bash

              salt '*' test.stack
        `,
      },
      () => (new Error().stack ?? '').split('\n').slice(1).join('\n') + '\n',
    ),

    tty: defineFunction(
      {
        varargs: true,
        kwargs: true,
        doc: `
          Deprecated! Moved to cmdmod.

          CLI Example:

          .. code-block:: bash

              salt '*' test.tty tty0 'This is a test'
              salt '*' test.tty pts3 'This is a test'
        `,
      },
      () => 'ERROR: This function has been moved to cmd.tty',
    ),

    try: defineFunction(
      {
        args: ['module', 'return_try_exception'],
        defaults: { return_try_exception: false },
        kwargs: true,
        pyName: 'try_',
        doc: `
          Try to run a module command. On an exception return None.
          If \`return_try_exception\` is set True return the exception.
          This can be helpful in templates where running a module might fail as expected.

          CLI Example:

          .. code-block:: bash

              salt '*' test.try module=test.exception
        `,
      },
      async ({ module, return_try_exception }, ctx, { kwargs }) => {
        try {
          return await ctx.salt(String(module), [], kwargs);
        } catch (err) {
          if (return_try_exception) return (err as Error).message;
        }
        return null;
      },
    ),

    assertion: defineFunction(
      {
        args: ['assertion'],
        doc: `
          Assert the given argument

          CLI Example:

          .. code-block:: bash

              salt '*' test.assertion False
        `,
      },
      ({ assertion }) => {
        if (!assertion) throw pythonException('AssertionError', '');
        return null;
      },
    ),

    true: defineFunction(
      {
        pyName: 'true_',
        doc: `
          Always return True

          CLI Example:

          .. code-block:: bash

              salt '*' test.true
        `,
      },
      () => true,
    ),

    false: defineFunction(
      {
        pyName: 'false_',
        doc: `
          Always return False

          CLI Example:

          .. code-block:: bash

              salt '*' test.false
        `,
      },
      () => false,
    ),

    raise_exception: defineFunction(
      {
        args: ['name'],
        varargs: true,
        kwargs: true,
        doc: `
          Raise an exception. Built-in exceptions and those in \`\`salt.exceptions\`\`
          can be raised by this test function. If no matching exception is found,
          then no exception will be raised and this function will return \`\`False\`\`.

          This function is designed to test Salt's exception and return code
          handling.

          CLI Example:

          .. code-block:: bash

              salt '*' test.raise_exception TypeError "An integer is required"
              salt '*' test.raise_exception salt.exceptions.CommandExecutionError "Something went wrong"
        `,
      },
      ({ name }, ctx, { varargs }) => {
        const message = varargs.length ? String(varargs[0]) : '';
        const n = String(name);
        if (n.startsWith('salt.exceptions.')) {
          const cls = n.slice('salt.exceptions.'.length);
          if (cls === 'CommandExecutionError') throw new CommandExecutionError(message);
          if (cls === 'SaltInvocationError') throw new SaltInvocationError(message);
          if (cls === 'CommandNotFoundError') throw new CommandNotFoundError(message);
          ctx.log.error(`No such exception: ${n}`);
          return false;
        }
        if (BUILTIN_EXCEPTIONS.has(n)) throw pythonException(n, message);
        ctx.log.error(`No such exception: ${n}`);
        return false;
      },
    ),
  },
};

function randomHash(size: unknown, hashType: unknown, opts: Record<string, unknown>): string {
  const type = hashType ? String(hashType) : String(opts.hash_type ?? 'md5');
  if (!getHashes().includes(type)) {
    const err = new Error(`module 'hashlib' has no attribute '${type}'`);
    Object.defineProperty(err, 'name', { value: 'AttributeError' });
    throw err;
  }
  const upper = pyInt(size);
  const n = upper <= Number.MAX_SAFE_INTEGER - 1 ? randomInt(1, Math.min(upper, 2 ** 48 - 2) + 1) : randomInt(1, 2 ** 48 - 1);
  return createHash(type).update(String(n)).digest('hex');
}

export default mod;
