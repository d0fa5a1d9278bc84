/**
 * The master's key store (`pki_dir`): minion key directories and `salt-key` operations, the
 * master's own RSA pair, and the disk side of minion authentication (`_auth`).
 */
export {
  KeyStore,
  ACC,
  PEND,
  REJ,
  DEN,
  AUTOSIGN,
  KEY_STATUSES,
  PUBLIC_KEY_MODE,
  assertKeyName,
  isValidPublicKey,
} from './keystore.js';
export type { KeyStatus, KeyListing, KeyValues, KeyEvent, KeyEventSink, KeyStoreOptions, KeySelector, AcceptResult } from './keystore.js';
export { genKeys, ensureMasterKeys, derivePublicPem, PRIVATE_KEY_MODE, PUBLIC_KEY_FILE_MODE, DEFAULT_KEYSIZE } from './master_keys.js';
export type { KeyPairFiles } from './master_keys.js';
export {
  decideAuth,
  shouldAutosign,
  matchesSigningFile,
  matchesAutosignGrains,
  consumeAutosignStub,
  signingFileTrusted,
} from './auth_decision.js';
export type { AuthDecision, AuthOutcome, AuthEventData, AuthRequest, AuthDecisionOptions } from './auth_decision.js';
export { PkiError, InvalidMinionIdError, InvalidKeyStatusError, KeyWriteError } from './errors.js';
