/**
 * Picks the file client a state run reads from: local `file_roots` for `file_client: local`,
 * otherwise the master-backed client registered by the minion daemon.
 */
import { LocalFileClient, type FileRoots } from './file_client_local.js';
import type { FileClient } from './types.js';

type RemoteFactory = (opts: Record<string, unknown>) => FileClient;

let remoteFactory: RemoteFactory | undefined;

/** Registers how to build the master-backed file client (`file_client: remote`). */
export function registerRemoteFileClient(factory: RemoteFactory | undefined): void {
  remoteFactory = factory;
}

/**
 * The file client for these minion options. Without a registered remote client the local
 * `file_roots` are used, which is what a masterless minion needs.
 */
export function fileClientFor(opts: Record<string, unknown>): FileClient {
  if (opts.file_client !== 'local' && remoteFactory) return remoteFactory(opts);
  return new LocalFileClient((opts.file_roots ?? {}) as FileRoots);
}
