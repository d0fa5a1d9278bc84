/**
 * A custom execution module, written in TypeScript.
 *
 * Put it in the file server's `_modules` directory (e.g. /srv/salt/_modules/hello.ts), then:
 *
 *   salt '*' saltutil.sync_modules      # or: salt-call --local saltutil.sync_modules
 *   salt '*' hello.world
 *   salt '*' hello.world name=Ada
 *   salt '*' hello.describe
 */
import { CommandExecutionError, defineFunction, type SaltModule } from 'salt-ts';

const hello: SaltModule = {
  // The module name functions are called by: hello.world, hello.describe ...
  name: 'hello',

  // Optional: load only where it makes sense. Return false, [false, 'reason'] or a new name.
  virtual: ({ grains }) => (grains.kernel === 'Windows' ? [false, 'hello does not run on Windows'] : true),

  functions: {
    // A function with one optional argument: `hello.world`, `hello.world Ada`, `hello.world name=Ada`.
    world: defineFunction(
      {
        args: ['name'],
        defaults: { name: 'world' },
        doc: `
          Say hello.

          CLI Example:

          .. code-block:: bash

              salt '*' hello.world name=Ada
        `,
      },
      ({ name }) => `Hello, ${String(name)}!`,
    ),

    // The context has the minion's grains, pillar and options, and calls other modules.
    describe: defineFunction(
      {
        doc: `
          Describe this minion using grains, pillar and another execution module.

          CLI Example:

          .. code-block:: bash

              salt '*' hello.describe
        `,
      },
      async (_params, ctx) => {
        const kernel = await ctx.salt('grains.get', ['kernel']);
        ctx.log.debug(`hello.describe runs on ${String(ctx.opts.id)}`);
        return {
          id: ctx.opts.id,
          os: ctx.grains.os,
          kernel,
          greeting: ctx.pillar.greeting ?? null,
        };
      },
    ),

    // `*args` and `**kwargs`, and an error Salt reports as "ERROR: ..." with retcode 1.
    shout: defineFunction(
      {
        varargs: true,
        kwargs: true,
        doc: `
          Upper-case every word given; fails when given none.

          CLI Example:

          .. code-block:: bash

              salt '*' hello.shout hi there
        `,
      },
      (_params, _ctx, { varargs }) => {
        if (varargs.length === 0) throw new CommandExecutionError('Nothing to shout');
        return varargs.map((w) => String(w).toUpperCase()).join(' ');
      },
    ),
  },
};

export default hello;
