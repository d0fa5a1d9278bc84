/** Salt's local event bus: encoding, framing, the bus server and its client. */
export { tagify, packEvent, unpackEvent, peekEventTag, utcStamp, stampEvent, isEventData, TAGEND, TAGPARTER } from './event.js';
export type { EventData, SaltEvent } from './event.js';
export { packFrame, frameBody, FrameReader, scanMsgpack } from './framing.js';
export { tagMatcher, MATCH_TYPES } from './matcher.js';
export type { MatchType } from './matcher.js';
export { busEndpoints, minionBusHash } from './addresses.js';
export type { BusEndpoint, BusLocation, BusRole, IpcMode } from './addresses.js';
export { packTrimmedData, DEFAULT_MAX_EVENT_SIZE, TRIMMED } from './trim.js';
export { EventBusServer } from './server.js';
export type { EventBusServerOptions, EventBusStats, EventListener } from './server.js';
export { EventClient, fireMasterEvent } from './client.js';
export type { EventClientOptions, GetEventOptions, JobReturn, JobReturnsOptions, JobReturnsResult } from './client.js';
export {
  EventBusError,
  InvalidEventError,
  EventDecodeError,
  FrameError,
  EventBusConnectError,
  EventBusDisconnectedError,
  EventBusListenError,
} from './errors.js';
export type { BusLogger } from './_logger.js';
