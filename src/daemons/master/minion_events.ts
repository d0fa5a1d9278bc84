/**
 * `_minion_event`: events a minion sends to the master bus (salt-wire 7.4).
 * The single form fires the whole load under the minion's tag; the batch form fires each entry,
 * except tags a minion must never forge (job publications, key events, runner and wheel events).
 */
import { isMap } from '../../protocol/values.js';
import type { Logger } from '../../log/logger.js';
import type { MasterAction } from './messages.js';
import { fnmatch } from '../../targeting/fnmatch.js';

const BLACKLIST = [
  'salt/job/*/publish',
  'salt/job/*/new',
  'salt/job/*/return',
  'salt/key',
  'salt/cloud/*',
  'salt/run/*',
  'salt/cluster/*',
  'salt/wheel/*/new',
  'salt/wheel/*/return',
];

type Load = Record<string, unknown>;


export function isForbiddenMinionTag(tag: string): boolean {
  return BLACKLIST.some((pattern) => fnmatch(tag, pattern));
}

/** Turns one `_minion_event` load into fire actions. */
export function handleMinionEvent(load: Load, actions: MasterAction[], log: Logger): void {
  if (typeof load.tag === 'string' && load.tag) {
    if (load.tag === '_salt_error') log.error(`Minion ${String(load.id)} reported an error: ${JSON.stringify(load.data)}`);
    if (isForbiddenMinionTag(load.tag)) {
      log.warn(`Minion ${String(load.id)} tried to fire the reserved tag ${load.tag}`);
      return;
    }
    actions.push({ type: 'fire', tag: load.tag, data: load });
    return;
  }
  if (!Array.isArray(load.events)) return;
  const pretag = typeof load.pretag === 'string' && load.pretag ? load.pretag : undefined;
  for (const entry of load.events) {
    if (!isMap(entry) || typeof entry.tag !== 'string' || !entry.tag) continue;
    if (isForbiddenMinionTag(entry.tag)) {
      log.warn(`Minion ${String(load.id)} tried to fire the reserved tag ${entry.tag}`);
      continue;
    }
    const data = isMap(entry.data) ? entry.data : entry;
    actions.push({ type: 'fire', tag: entry.tag, data });
    if (pretag) actions.push({ type: 'fire', tag: `${pretag}/${entry.tag}`, data });
  }
}
