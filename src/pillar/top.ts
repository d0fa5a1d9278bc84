/**
 * The pillar top file logic (Salt's `Pillar.merge_tops`, `sort_top_targets`, `top_matches` and
 * the `confirm_top` matcher): which pillar SLS of which environment this minion gets.
 */
import { matchTarget } from '../targeting/minion.js';
import { nodegroupMatch } from '../targeting/nodegroup.js';
import { isTruthy, type MinionTargetContext, type Nodegroups } from '../targeting/types.js';

type Dict = Record<string, unknown>;

/** Merged top data: env → target → `[{match: ...}, ..., 'sls', ...]`, in `order` order. */
export type PillarTop = Record<string, Record<string, unknown[]>>;

/** What {@link mergePillarTops} gives: the top data and the SLS that may be missing (`ignore_missing`). */
export interface MergedTops {
  top: PillarTop;
  ignored: Record<string, string[]>;
}

/** Thrown where Salt's merge_tops hits a Python TypeError (a target body that is not iterable). */
export class PillarTopTypeError extends Error {
  override readonly name = 'PillarTopTypeError';
  readonly code = 'EPILLARTOP';
}

function isDict(v: unknown): v is Dict {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !Buffer.isBuffer(v);
}

/** Python iteration over a top entry: a list's items, a string's characters, a dict's keys. */
function pyIter(v: unknown, what: string): unknown[] {
  if (Array.isArray(v)) return v;
  if (typeof v === 'string') return [...v];
  if (isDict(v)) return Object.keys(v);
  throw new PillarTopTypeError(`'${v === null ? 'NoneType' : typeof v}' object is not iterable (${what})`);
}

function pyIntOrZero(v: unknown): number {
  if (typeof v === 'number' && Number.isFinite(v)) return Math.trunc(v);
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (typeof v === 'string' && /^\s*[-+]?\d+\s*$/.test(v)) return parseInt(v, 10);
  return 0;
}

/**
 * Salt's `merge_tops` + `sort_top_targets`: every top file of every env, later targets replacing
 * earlier ones of the same name; `match`, `order` and `ignore_missing` entries read; targets
 * sorted by `order` (stable).
 * @throws PillarTopTypeError where Salt hits a TypeError (then it reports a top file error).
 */
export function mergePillarTops(tops: Record<string, unknown[]>): MergedTops {
  const top: PillarTop = {};
  const orders: Record<string, Record<string, number>> = {};
  const ignored: Record<string, string[]> = {};
  for (const ctops of Object.values(tops)) {
    for (const ctop of ctops) {
      if (!isDict(ctop)) throw new PillarTopTypeError('the top file does not render to a mapping');
      for (const [saltenv, targets] of Object.entries(ctop)) {
        if (saltenv === 'include') continue;
        for (const tgt of pyIter(targets, saltenv)) {
          const key = String(tgt);
          const matches: unknown[] = [];
          const states: string[] = [];
          (orders[saltenv] ??= {})[key] = 0;
          let ignoreMissing = false;
          const body = isDict(targets) ? targets[key] : undefined;
          for (const comp of pyIter(body, `${saltenv}:${key}`)) {
            if (isDict(comp)) {
              if ('match' in comp) matches.push(comp);
              if ('order' in comp) orders[saltenv]![key] = pyIntOrZero(comp.order);
              if (comp.ignore_missing) ignoreMissing = true;
            }
            if (typeof comp === 'string' && !states.includes(comp)) states.push(comp);
          }
          if (ignoreMissing) (ignored[saltenv] ??= []).push(...states);
          (top[saltenv] ??= {})[key] = [...matches, ...states];
        }
      }
    }
  }
  const sorted: PillarTop = {};
  for (const [saltenv, targets] of Object.entries(top)) {
    const names = Object.keys(targets);
    names.sort((x, y) => orders[saltenv]![x]! - orders[saltenv]![y]!);
    sorted[saltenv] = {};
    for (const n of names) sorted[saltenv]![n] = targets[n]!;
  }
  return { top: sorted, ignored };
}

/**
 * Salt's `confirm_top`: the target matched with the matcher named by a `match:` entry
 * (`compound` by default; `nodegroup` resolves `nodegroups`). A matcher error is a non-match.
 */
export function confirmTop(match: string, data: unknown[], ctx: MinionTargetContext, nodegroups: Nodegroups): boolean {
  let matcher = 'compound';
  for (const item of data) if (isDict(item) && 'match' in item) matcher = String(item.match);
  try {
    if (matcher === 'nodegroup') return isTruthy(nodegroupMatch(match, nodegroups, ctx));
    return isTruthy(matchTarget({ tgt: match, tgt_type: matcher }, ctx));
  } catch {
    return false;
  }
}

/** Salt's `top_matches`: env → the SLS names (deduplicated) of the targets this minion matches. */
export function pillarTopMatches(top: PillarTop, ctx: MinionTargetContext, nodegroups: Nodegroups, pillarenv?: string | null): Record<string, string[]> {
  const matches: Record<string, string[]> = {};
  for (const [saltenv, body] of Object.entries(top)) {
    if (pillarenv && saltenv !== pillarenv) continue;
    for (const [match, data] of Object.entries(body)) {
      if (!confirmTop(match, data, ctx, nodegroups)) continue;
      const envMatches = (matches[saltenv] ??= []);
      for (const item of data) if (typeof item === 'string' && !envMatches.includes(item)) envMatches.push(item);
    }
  }
  return matches;
}
