/** `salt-master`: the Salt master daemon. */
import { loadMasterConfig } from '../config/index.js';
import { Master } from '../daemons/master/master.js';
import { runDaemon } from './daemon_cli.js';

export function main(argv: string[]): Promise<number> {
  return runDaemon(
    'salt-master',
    argv,
    'The Salt Master, used to control the Salt Minions',
    (configDir) => loadMasterConfig({ configDir }) as unknown as Record<string, unknown>,
    async (opts, log) => {
      const master = new Master(opts, log);
      await master.start();
      return master;
    },
  );
}
