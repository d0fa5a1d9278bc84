/** The master event bus as runners reach it: where it is, firing, listening. */
import { EventClient, fireMasterEvent } from '../events/client.js';
import type { EventClientOptions } from '../events/client.js';
import type { Opts } from './types.js';

/** The bus location options of the master config (`sock_dir`, `ipc_mode`, tcp ports). */
export function busOptions(opts: Opts, sockDir?: unknown): EventClientOptions {
  return {
    sockDir: String(sockDir ?? opts.sock_dir),
    role: 'master',
    ipcMode: opts.ipc_mode === 'tcp' ? 'tcp' : 'ipc',
    tcpPubPort: typeof opts.tcp_master_pub_port === 'number' ? opts.tcp_master_pub_port : undefined,
    tcpPullPort: typeof opts.tcp_master_pull_port === 'number' ? opts.tcp_master_pull_port : undefined,
    maxEventSize: typeof opts.max_event_size === 'number' ? opts.max_event_size : undefined,
  } as EventClientOptions;
}

/**
 * Fires one event on the master bus.
 * @throws EventBusConnectError when the master is not running.
 */
export async function fireOnMasterBus(opts: Opts, tag: string, data: Record<string, unknown>): Promise<void> {
  const { sockDir, ...rest } = busOptions(opts);
  await fireMasterEvent(sockDir as string, tag, data, rest);
}

/** A listening client on the master bus (connected), for state.event and the like. */
export async function listenOnMasterBus(opts: Opts, sockDir?: unknown): Promise<EventClient> {
  const client = new EventClient(busOptions(opts, sockDir));
  await client.connectPub();
  return client;
}
