/**
 * The `nested` outputter, Salt's default: a recursive, indented display of any data.
 *
 * Scalars print as `str()` (None/True/False) or `repr()` (numbers) in light yellow; strings one
 * green line per line; lists as `- item` lines or `|_` blocks; dicts as `key:` lines (sorted, except
 * an OrderedDict) with the value indented by 4 and, below the top level, a `----------` line first.
 */
import { getColors, stripEscSequence, type Colors } from './colors.js';
import { OutputDataError } from './errors.js';
import {
  OrderedDict,
  decodeUtf8,
  dictItems,
  isDict,
  isNumber,
  pyEquals,
  pySorted,
  pyStr,
  reprNumber,
  splitlines,
} from './python.js';
import type { OutputContext, OutputOpts } from './types.js';

class NestDisplay {
  private readonly c: Colors;
  private readonly stripColors: boolean;
  private readonly failed: boolean;

  constructor(opts: OutputOpts, retcode: unknown) {
    this.c = getColors(opts.color);
    this.stripColors = opts.strip_colors ?? true;
    this.failed = !pyEquals(retcode ?? 0, 0);
  }

  private line(indent: number, color: string, msg: string, prefix = '', suffix = ''): string {
    return `${' '.repeat(indent)}${color}${prefix}${msg}${this.c.ENDC}${suffix}`;
  }

  display(value: unknown, indent: number, prefix: string, out: string[]): string[] {
    let ret = value;
    if (ret instanceof Uint8Array) ret = decodeUtf8(ret) ?? ret;
    if (ret === null || ret === undefined || typeof ret === 'boolean') {
      out.push(this.line(indent, this.c.LIGHT_YELLOW, pyStr(ret), prefix));
    } else if (isNumber(ret)) {
      out.push(this.line(indent, this.c.LIGHT_YELLOW, reprNumber(ret), prefix));
    } else if (typeof ret === 'string') {
      let first = true;
      for (let text of splitlines(ret)) {
        const linePrefix = first ? prefix : ' '.repeat(prefix.length);
        if (this.stripColors) text = stripEscSequence(text);
        out.push(this.line(indent, this.c.GREEN, text, linePrefix));
        first = false;
      }
    } else if (Array.isArray(ret)) {
      const color = this.failed ? this.c.RED : this.c.GREEN;
      for (const item of ret) {
        if (Array.isArray(item) || isDict(item)) {
          out.push(this.line(indent, color, '|_'));
          this.display(item, indent + 2, isDict(item) ? '' : '- ', out);
        } else {
          this.display(item, indent, '- ', out);
        }
      }
    } else if (isDict(ret)) {
      const color = this.failed ? this.c.RED : this.c.CYAN;
      if (indent) out.push(this.line(indent, color, '----------'));
      for (const [key, val] of orderedItems(ret)) {
        out.push(this.line(indent, color, pyStr(key), prefix, ':'));
        this.display(val, indent + 4, '', out);
      }
    }
    // Anything else (undecodable bytes, sets, ...) matches no branch in Salt and prints nothing.
    return out;
  }
}

/** A dict's items in display order: as inserted for an OrderedDict, else sorted by key (str()-ed if unorderable). */
function orderedItems(d: Record<string, unknown> | Map<unknown, unknown>): [unknown, unknown][] {
  const items = dictItems(d);
  if (d instanceof OrderedDict) return items;
  try {
    return pySorted(items, (item) => item[0]);
  } catch (err) {
    if (!(err instanceof OutputDataError)) throw err;
    const byStr = new Map<string, unknown>();
    for (const [k, v] of items) byStr.set(pyStr(k), v);
    return pySorted(byStr.entries(), (item) => item[0]);
  }
}

/**
 * Salt's `nested` outputter. Options: `nested_indent` (kwarg or opts; base indent, default 0),
 * `_retcode` kwarg (non-zero paints the structure red), `color`, `strip_colors` (default true).
 */
export function nestedOutput(data: unknown, ctx: OutputContext): string {
  const baseIndent = Number(ctx.kwargs.nested_indent || ctx.opts.nested_indent || 0);
  const nest = new NestDisplay(ctx.opts, ctx.kwargs._retcode ?? 0);
  return nest.display(data, baseIndent, '', []).join('\n');
}
