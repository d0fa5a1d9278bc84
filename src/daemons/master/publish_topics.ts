/**
 * Topics of a publish under Salt's `zmq_filtering` (master and minions both set it). The master
 * then resolves glob, pcre and list targets itself and sends one copy per matched minion,
 * topic = SHA-1 hex of its id, so that libzmq delivers it to that minion only; other target
 * types, or a target that matched nobody, go to everyone under the topic `broadcast`. With
 * `order_masters` a targeted publish also goes to the syndics (`syndic`).
 */
import { BROADCAST_TOPIC, minionTopic, SYNDIC_TOPIC } from '../../protocol/pub_topics.js';

/** Target types the master resolves itself when filtering (as Salt's channel server does). */
const MASTER_MATCHED = new Set(['glob', 'pcre', 'list']);

/**
 * The topics to publish under, or `undefined` when `zmq_filtering` is off (one frame, no topic).
 * @param matched the minions the master matched for this target (used for a text target).
 */
export function publishTopics(opts: Record<string, unknown>, tgt: unknown, tgtType: string, matched: readonly string[]): string[] | undefined {
  if (opts.zmq_filtering !== true) return undefined;
  if (!MASTER_MATCHED.has(tgtType)) return [BROADCAST_TOPIC];
  // A list given as a list is used as it is (unaccepted ids included), as Salt does.
  const ids = typeof tgt === 'string' ? matched : Array.isArray(tgt) ? tgt.map(String) : [];
  if (ids.length === 0) return [BROADCAST_TOPIC];
  const topics = ids.map(minionTopic);
  if (opts.order_masters === true) topics.push(SYNDIC_TOPIC);
  return topics;
}
