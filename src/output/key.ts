/**
 * The `key` outputter, used by salt-key: keys grouped under "Accepted Keys:" and friends.
 */
import { getColors, stripEscSequence } from './colors.js';
import { OutputDataError } from './errors.js';
import { decodeUtf8, dictGet, dictItems, isDict, pySorted, pyStr } from './python.js';
import type { OutputContext } from './types.js';

/** Transports whose key directories are minions/minions_pre/...; others use accepted/pending/rejected. */
const SALT_TRANSPORTS = new Set(['zeromq', 'tcp', 'ws']);

/**
 * Salt's `key` outputter. For each status in sorted order a header line, then the sorted key names
 * (a dict value prints `"<name>:  <value>"`). `__multi_key` indents everything by 4.
 * @throws OutputDataError ('KeyError') for an unknown status (Salt falls back to nested).
 */
export function keyOutput(data: unknown, ctx: OutputContext): string {
  const color = getColors(ctx.opts.color);
  const stripColors = ctx.opts.strip_colors ?? true;
  const ident = ' '.repeat(ctx.opts.__multi_key ? 4 : 0);
  const transport = String(ctx.opts.transport ?? 'zeromq');
  const [acc, pend, rej] = SALT_TRANSPORTS.has(transport)
    ? ['minions', 'minions_pre', 'minions_rejected']
    : ['accepted', 'pending', 'rejected'];
  const cmap = new Map<string, string>([
    [pend, color.RED],
    [acc, color.GREEN],
    [rej, color.BLUE],
    ['local', color.MAGENTA],
  ]);
  const trans = new Map<string, string>([
    [pend, `${ident}${color.LIGHT_RED}Unaccepted Keys:${color.ENDC}`],
    [acc, `${ident}${color.LIGHT_GREEN}Accepted Keys:${color.ENDC}`],
    [rej, `${ident}${color.LIGHT_BLUE}Rejected Keys:${color.ENDC}`],
    ['local', `${ident}${color.LIGHT_MAGENTA}Local Keys:${color.ENDC}`],
  ]);
  if (SALT_TRANSPORTS.has(transport)) {
    cmap.set('minions_denied', color.MAGENTA);
    trans.set('minions_denied', `${ident}${color.LIGHT_MAGENTA}Denied Keys:${color.ENDC}`);
  }
  if (!isDict(data)) throw new OutputDataError('TypeError', 'the key outputter needs a dict');

  let ret = '';
  for (const [status, names] of pySorted(dictItems(data), (item) => item[0])) {
    const header = typeof status === 'string' ? trans.get(status) : undefined;
    if (header === undefined) throw new OutputDataError('KeyError', `unknown key status ${pyStr(status)}`);
    ret += header + '\n';
    const statusColor = cmap.get(status as string)!;
    const keys = isDict(names) ? dictItems(names).map(([k]) => k) : iterate(names);
    for (const rawKey of pySorted(keys)) {
      const key = rawKey instanceof Uint8Array ? (decodeUtf8(rawKey) ?? rawKey) : rawKey;
      const shown = stripColors && typeof key === 'string' ? stripEscSequence(key) : pyStr(key);
      if (Array.isArray(names)) ret += `${ident}${statusColor}${shown}${color.ENDC}\n`;
      if (isDict(names)) ret += `${ident}${statusColor}${shown}:  ${pyStr(dictGet(names, rawKey))}${color.ENDC}\n`;
    }
  }
  return ret;
}

function iterate(v: unknown): unknown[] {
  if (typeof v === 'string') return [...v];
  if (Array.isArray(v)) return v;
  if (v instanceof Set) return [...v];
  throw new OutputDataError('TypeError', `'${pyStr(v)}' is not iterable`);
}
