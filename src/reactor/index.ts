/**
 * The reactor system and presence events of the master: {@link Reactor} (started by the master
 * with an {@link EventSource} over its bus), the bounded {@link WorkPool}, reaction rendering and
 * dispatch, {@link PresenceTracker} with {@link connectedMinionIds}, and the live `reactor` runner.
 */
export { Reactor, reactorEnabled, matchReactors, readMasterKey, type EventSource, type ReactorDeps, type ReactorEntry, type ReactorStats } from './reactor.js';
export { WorkPool, type WorkPoolOptions, type WorkPoolStats } from './pool.js';
export { compileReactions, globPaths, padFuncs, reactionFiles, renderReaction, type CompiledReactions, type ReactionRenderContext } from './render.js';
export {
  REACTOR_INTERNAL_KEYWORDS,
  REACTOR_USER,
  isDictlist,
  reactionCall,
  repackDictlist,
  runReaction,
  type ReactionCall,
  type ReactionClients,
  type ReactionType,
  type SignatureLookup,
} from './react_wrap.js';
export { masterReactionClients, masterSignatures, publishArgs } from './clients.js';
export { PresenceTracker, connectedMinionIds, type PresenceRound } from './presence.js';
export { askReactor, type ManageOperation } from './runner.js';
export { ReactionArgumentError, ReactionRenderError, ReactorNotAnsweringError, UnknownReactionTypeError } from './errors.js';
