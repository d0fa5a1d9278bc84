/**
 * The protocol layer: Salt's wire msgpack, the Crypticle, RSA (OAEP, PKCS#1 v1.5, X9.31),
 * fingerprints, jids and the request/publish envelopes. No sockets.
 */
export {
  AuthenticationError,
  InvalidKeyError,
  NonceError,
  PayloadError,
  ProtocolError,
  ProtocolLayerError,
  RsaError,
  UnsupportedAlgorithmError,
} from './errors.js';
export { decodeWire, encodeWire, MAX_DEPTH, type DecodeOptions, type EncodeOptions } from './payload.js';
export { PyDateTime, SaltConstant } from './wiretypes.js';
export { PyFloat, pyFloat, isPyFloat, pyFloatRepr } from './pytypes.js';
export { Crypticle, parseKeyString, PICKLE_PAD, type EncryptOptions } from './crypticle.js';
export {
  cleanKey,
  exportPrivatePem,
  exportPublicPem,
  generateKeyPair,
  genPubkeySignature,
  loadPrivateKey,
  loadPublicKey,
  oaepDecrypt,
  oaepEncrypt,
  rsaModulus,
  sign,
  verify,
  x931Sign,
  x931Verify,
  type EncryptionAlgorithm,
  type SigningAlgorithm,
} from './rsa.js';
export { pemFinger, pemFingerOfFile, pemFingerOfString3006 } from './finger.js';
export {
  formatJidInstance,
  formatJidInstanceExt,
  formatJidTime,
  formatJobInstance,
  genJid,
  isJid,
  JidGenerator,
  jidDir,
  jidToTime,
  nowMicros,
  type GenJidOptions,
} from './jid.js';
export {
  decodePublish,
  decodeRequest,
  encodePublish,
  encodeRequest,
  newNonce,
  parseSubscription,
  type AesRequest,
  type ClearRequest,
  type PublishEnvelope,
  type RequestEnvelope,
  type Subscription,
} from './envelope.js';
