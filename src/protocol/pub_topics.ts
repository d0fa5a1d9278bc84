/**
 * Topics of the publish channel (4505) under Salt's `zmq_filtering`: a publish for everyone goes
 * under `broadcast`, one for a single minion under the SHA-1 hex of its id (ZeroMQ filters by
 * prefix, so ids are hashed to keep one from being a prefix of another), one for syndics under
 * `syndic`. Without `zmq_filtering` a publish is one frame with no topic.
 */
import { createHash } from 'node:crypto';

export const BROADCAST_TOPIC = 'broadcast';
export const SYNDIC_TOPIC = 'syndic';

/** The topic of the publishes meant for minion `id` alone. */
export function minionTopic(id: string): string {
  return createHash('sha1').update(id, 'utf8').digest('hex');
}
