/** `salt-minion`: the Salt minion daemon. */
import { loadMinionConfig } from '../config/index.js';
import { Minion } from '../daemons/minion/minion.js';
import { runDaemon } from './daemon_cli.js';

export function main(argv: string[]): Promise<number> {
  return runDaemon(
    'salt-minion',
    argv,
    'The Salt Minion, receives commands from a remote Salt Master',
    (configDir) => loadMinionConfig({ configDir }) as unknown as Record<string, unknown>,
    async (opts, log) => {
      const minion = new Minion(opts, log);
      // The minion keeps trying to reach its master; start() resolves once it is connected.
      minion.start().catch((err: Error) => {
        log.critical(`salt-minion stopped: ${err.message}`);
        process.exit(err.name === 'AuthRefusedError' ? 77 : 1);
      });
      return minion;
    },
  );
}
