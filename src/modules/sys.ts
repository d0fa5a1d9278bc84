/**
 * Salt's `sys` execution module: what functions and modules this minion has, their docs and
 * argument specs.
 */
import { fnmatch } from '../targeting/fnmatch.js';
import { defineFunction } from '../loader/define.js';
import type { SaltModule } from '../loader/types.js';
import { pyStr } from './_pyconv.js';

const mod: SaltModule = {
  name: 'sys',
  functions: {
    doc: defineFunction(
      {
        varargs: true,
        doc: `
          Return the docstrings for all modules. Optionally, specify a module or a
          function to narrow the selection.

          The strings are aggregated into a single document on the master for easy
          reading.

          Multiple modules/functions can be specified.

          CLI Example:

          .. code-block:: bash

              salt '*' sys.doc
              salt '*' sys.doc sys
              salt '*' sys.doc sys.doc
              salt '*' sys.doc network.traceroute user.info

          Modules can be specified as globs.

          .. versionadded:: 2015.5.0

          .. code-block:: bash

              salt '*' sys.doc 'sys.*'
              salt '*' sys.doc 'sys.list_*'
        `,
      },
      async (_p, ctx, { varargs }) => {
        if (varargs.length === 0) return ctx.loader.getDoc();
        const docs: Record<string, string | null> = {};
        for (const pattern of varargs) Object.assign(docs, await ctx.loader.getDoc(pyStr(pattern)));
        return docs;
      },
    ),

    list_functions: defineFunction(
      {
        varargs: true,
        kwargs: true,
        doc: `
          List the functions for all modules. Optionally, specify a module or modules
          from which to list.

          CLI Example:

          .. code-block:: bash

              salt '*' sys.list_functions
              salt '*' sys.list_functions sys
              salt '*' sys.list_functions sys user

          Function names can be specified as globs.

          .. versionadded:: 2015.5.0

          .. code-block:: bash

              salt '*' sys.list_functions 'sys.list_*'

          .. versionadded:: ?

          .. code-block:: bash

              salt '*' sys.list_functions 'module.specific_function'
        `,
      },
      async (_p, ctx, { varargs }) => {
        const all = await ctx.loader.listFunctions();
        if (varargs.length === 0) return all;
        const names = new Set<string>();
        for (const raw of varargs) {
          const module = pyStr(raw);
          if (module.includes('*') || module.includes('.')) {
            for (const f of all) if (fnmatch(f, module)) names.add(f);
          } else {
            for (const f of all) if (f.startsWith(`${module}.`)) names.add(f);
          }
        }
        return [...names].sort();
      },
    ),

    list_modules: defineFunction(
      {
        varargs: true,
        doc: `
          List the modules loaded on the minion

          .. versionadded:: 2015.5.0

          CLI Example:

          .. code-block:: bash

              salt '*' sys.list_modules

          Module names can be specified as globs.

          .. code-block:: bash

              salt '*' sys.list_modules 's*'
        `,
      },
      async (_p, ctx, { varargs }) => {
        if (varargs.length === 0) return ctx.loader.listModules();
        const all = await ctx.loader.listFunctions();
        const modules = new Set<string>();
        for (const raw of varargs) {
          const module = pyStr(raw);
          for (const f of all) {
            const modName = f.split('.')[0];
            if (module.includes('*') ? fnmatch(f, module) : modName === module) modules.add(modName);
          }
        }
        return [...modules].sort();
      },
    ),

    argspec: defineFunction(
      {
        args: ['module'],
        defaults: { module: '' },
        doc: `
          Return the argument specification of functions in Salt execution
          modules.

          CLI Example:

          .. code-block:: bash

              salt '*' sys.argspec pkg.install
              salt '*' sys.argspec sys
              salt '*' sys.argspec

          Module names can be specified as globs.

          .. versionadded:: 2015.5.0

          .. code-block:: bash

              salt '*' sys.argspec 'pkg.*'
        `,
      },
      ({ module }, ctx) => ctx.loader.argspec(module === null || module === undefined ? '' : pyStr(module)),
    ),

    list_state_functions: defineFunction(
      {
        varargs: true,
        kwargs: true,
        doc: `
          List the functions for all state modules. Optionally, specify a state
          module or modules from which to list.

          No state modules are loaded by this loader yet, so the list is empty.

          .. versionadded:: 2014.7.0

          CLI Example:

          .. code-block:: bash

              salt '*' sys.list_state_functions
              salt '*' sys.list_state_functions file
        `,
      },
      () => [],
    ),

    reload_modules: defineFunction(
      {
        doc: `
          Tell the minion to reload the execution modules

          CLI Example:

          .. code-block:: bash

              salt '*' sys.reload_modules
        `,
      },
      (_p, ctx) => {
        ctx.loader.reload();
        return true;
      },
    ),
  },
};

export default mod;
