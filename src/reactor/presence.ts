/**
 * Presence events (`presence_events: True`, Salt's `Maintenance.handle_presence`): every
 * `loop_interval` the master fires `salt/presence/present` `{present: [...]}` and, when the set
 * of connected minions changed since the last time, first `salt/presence/change`
 * `{new: [...], lost: [...]}`. The first round reports every connected minion as new.
 */
import { connectedIds } from '../runners/manage.js';
import { connectedAddresses } from '../runners/_presence.js';

type Opts = Record<string, unknown>;

/** One round's outcome, also handed to the events. */
export interface PresenceRound {
  present: string[];
  new: string[];
  lost: string[];
}

/**
 * The minions connected to this master now (Salt's `CkMinions.connected_ids`): cached minions
 * with an `ipv4`/`ipv6` grain among the remote addresses of established TCP connections on
 * `publish_port` (read from /proc/net/tcp{,6}). Sorted. Empty with `minion_data_cache: False`.
 * @param addrs the connected addresses, when the caller already has them (tests).
 */
export function connectedMinionIds(opts: Opts, addrs?: Set<string>): string[] {
  const connected = addrs ?? connectedAddresses(Number(opts.publish_port ?? 4505));
  return (connectedIds(opts, null, false, connected) as string[]).sort();
}

/** Remembers who was present and fires the presence events for each new observation. */
export class PresenceTracker {
  private previous = new Set<string>();

  /** @param fire fires one event on the master bus (e.g. `(tag, data) => master.fire(tag, data)`). */
  constructor(private readonly fire: (tag: string, data: Record<string, unknown>) => void) {}

  /**
   * Records the connected minion ids: fires `salt/presence/change` when some came or went,
   * then `salt/presence/present`. Lists are sorted.
   */
  update(connected: Iterable<string>): PresenceRound {
    const present = new Set(connected);
    const added = [...present].filter((id) => !this.previous.has(id)).sort();
    const lost = [...this.previous].filter((id) => !present.has(id)).sort();
    const round: PresenceRound = { present: [...present].sort(), new: added, lost };
    if (added.length || lost.length) this.fire('salt/presence/change', { new: added, lost });
    this.fire('salt/presence/present', { present: round.present });
    this.previous = present;
    return round;
  }
}
