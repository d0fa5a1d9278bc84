/**
 * The file server: the master's side of Salt's file server commands (`handleFileServerCommand`,
 * over `file_roots`) and the minion's file client that talks to it (`RemoteFileClient`).
 */
export { handleFileServerCommand, fileServerFor, FILESERVER_COMMANDS } from './server.js';
export { receiveFile } from './recv.js';
export { RootsFileServer, normaliseRoots, rootsOptionsFrom, hashFileAt, statList, type FoundFile, type RootsListing, type RootsMap, type RootsOptions } from './roots.js';
export { cleanRelativePath, createSaltUrl, parseSaltUrl, safeEnvName, splitPathQuery, type SaltUrl } from './paths.js';
export {
  RemoteFileClient,
  checkIncludeExclude,
  chunkToBuffer,
  localFileClient,
  registerMasterFileClient,
  type FileHash,
  type FileRequest,
  type PushOptions,
  type RemoteFileClientOptions,
} from './remote_client.js';
export { FileClientUnavailableError, FileTransportError } from './errors.js';
