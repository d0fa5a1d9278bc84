/** The `mine` runner, `get` function: the mine data minions sent, from the master's cache. */
import { defineMasterFunction } from './_define.js';
import { mineGet } from '../mine/master.js';
import type { MasterModule } from './types.js';

const mine: MasterModule = {
  name: 'mine',
  functions: {
    get: defineMasterFunction(
      {
        args: ['tgt', 'fun', 'tgt_type'],
        defaults: { tgt_type: 'glob' },
        doc: `
          Gathers the data from the specified minions' mine, pass in the target,
          function to look up and the target type

          CLI Example:

          .. code-block:: bash

              salt-run mine.get '*' network.interfaces
        `,
      },
      // As Salt's runner: the master's own `_mine_get`, with the master's id as the requester.
      ({ tgt, fun, tgt_type }, ctx) => mineGet({ id: ctx.opts.id, tgt, fun, tgt_type: String(tgt_type) }, ctx.opts),
    ),
  },
};

export default mine;
