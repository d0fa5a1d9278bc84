/**
 * The `txt` outputter: `minion: line` text, one line per line of each minion's value.
 */
import { dictItems, isDict, pformat, pyStr, splitlines } from './python.js';
import type { OutputContext } from './types.js';

/**
 * Salt's `txt` outputter. A dict prints `"<key>: <line>"` for each line of a string value (so an
 * empty string prints nothing) or `"<key>: <str(value)>"` otherwise, in insertion order; a string
 * prints as is; anything else as `pprint.pformat`.
 */
export function txtOutput(data: unknown, _ctx?: OutputContext): string {
  if (isDict(data)) {
    let ret = '';
    for (const [key, value] of dictItems(data)) {
      if (typeof value === 'string') {
        for (const line of splitlines(value)) ret += `${pyStr(key)}: ${line}\n`;
      } else if (value instanceof Uint8Array) {
        // bytes.splitlines() yields bytes lines, printed with their b'' repr.
        for (const line of splitBytesLines(value)) ret += `${pyStr(key)}: ${pyStr(line)}\n`;
      } else {
        ret += `${pyStr(key)}: ${pyStr(value)}\n`;
      }
    }
    return ret;
  }
  if (typeof data === 'string') return data + '\n';
  return pformat(data) + '\n';
}

function splitBytesLines(b: Uint8Array): Buffer[] {
  const lines: Buffer[] = [];
  let start = 0;
  for (let i = 0; i < b.length; i++) {
    if (b[i] === 0x0a || b[i] === 0x0d) {
      lines.push(Buffer.from(b.subarray(start, i)));
      if (b[i] === 0x0d && b[i + 1] === 0x0a) i++;
      start = i + 1;
    }
  }
  if (start < b.length) lines.push(Buffer.from(b.subarray(start)));
  return lines;
}
