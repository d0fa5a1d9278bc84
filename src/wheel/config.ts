/** The `config` wheel module, `values`: the master configuration as the files give it. */
import { loadMasterConfig } from '../config/load.js';
import { defineMasterFunction } from '../runners/_define.js';
import type { MasterModule } from '../runners/types.js';

const config: MasterModule = {
  name: 'config',
  functions: {
    values: defineMasterFunction(
      {
        doc: `
          Return the raw values of the config file
        `,
      },
      (_p, ctx) => {
        const file = ctx.opts.conf_file;
        return loadMasterConfig(typeof file === 'string' && file ? { configFile: file, warn: (m) => ctx.log.warn(m) } : { warn: (m) => ctx.log.warn(m) });
      },
    ),
  },
};

export default config;
