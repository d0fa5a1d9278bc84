/**
 * The `highstate` outputter: state run results per minion, then a summary.
 *
 * Per host: `<host>:`, the states ordered by `__run_num__` (full blocks or terse lines depending on
 * `state_output`), then "Summary for <host>" with succeeded/failed counts, total states and run time.
 * A list instead of state results prints "Data failed to compile:" and the errors.
 */
import { overlayOptions } from '../config/copy_options.js';
import { fill } from './_textwrap.js';
import { pyFormat } from './_pyformat.js';
import { getColors, stripEscSequence, type Colors } from './colors.js';
import { OutputDataError } from './errors.js';
import { nestedOutput } from './nested.js';
import {
  PyFloat,
  decodeUtf8,
  dictGet,
  dictHas,
  dictItems,
  dictKeys,
  formatFixed,
  isDict,
  isInt,
  isNumber,
  pformat,
  pyCompare,
  pyLen,
  pyRound,
  pyRstrip,
  pyStr,
  pyStrip,
  pyTruthy,
  reprNumber,
  rjust,
  splitlines,
} from './python.js';
import type { OutputContext, OutputOpts } from './types.js';

type Dict = Record<string, unknown> | Map<unknown, unknown>;

const ORCHESTRATION_FUNCTIONS = new Set(['state.orch', 'state.orchestrate', 'state.sls']);
const INDENT14 = ' '.repeat(14);

/** The state return dict of one state (the `ret` of Salt's loop). */
interface StateRet {
  get(key: string): unknown;
  has(key: string): boolean;
}

function stateRet(d: Dict): StateRet {
  return { get: (k) => dictGet(d, k), has: (k) => dictHas(d, k) };
}

/** Key of the result counters: Python dict keys where True == 1 and False == 0. */
function resultKey(result: unknown): string {
  if (result === true || result === 1 || (result instanceof PyFloat && result.value === 1)) return 'True';
  if (result === false || result === 0 || (result instanceof PyFloat && result.value === 0)) return 'False';
  if (result === null || result === undefined) return 'None';
  return 'other:' + pyStr(result);
}

/** Python `float(x)` for a duration; undefined where Python raises ValueError. */
function parseFloatLike(v: unknown): number | undefined {
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (isNumber(v)) return Number(v instanceof PyFloat ? v.value : v);
  if (typeof v === 'string') {
    const s = pyStrip(v).replaceAll(/(?<=\d)_(?=\d)/g, '');
    if (/^[-+]?(?:\d+\.?\d*(?:[eE][-+]?\d+)?|\.\d+(?:[eE][-+]?\d+)?)$/.test(s)) return Number(s);
    const special = /^([-+]?)(inf|infinity|nan)$/i.exec(s);
    if (special) return special[2].toLowerCase() === 'nan' ? NaN : special[1] === '-' ? -Infinity : Infinity;
    return undefined;
  }
  throw new OutputDataError('TypeError', `float() argument must be a string or a number, not '${typeof v}'`);
}

/** Python `float(d)`, falling back to the part before " ms"; undefined when neither parses. */
function durationValue(d: unknown): number | undefined {
  const direct = parseFloatLike(d);
  if (direct !== undefined) return direct;
  if (typeof d !== 'string') return undefined;
  const i = d.indexOf(' ms');
  return parseFloatLike(i >= 0 ? d.slice(0, i) : d);
}

function indentLines(text: string, prefix: string): string {
  // re.sub('^', prefix, text, flags=re.MULTILINE): every line, including an empty last one.
  return text
    .split('\n')
    .map((line) => prefix + line)
    .join('\n');
}

class HighstateFormatter {
  private readonly colors: Colors;
  private readonly opts: OutputOpts;
  private readonly stateOutput: string;
  private readonly profile: boolean;

  constructor(ctx: OutputContext) {
    this.opts = ctx.opts;
    this.colors = getColors(this.opts.color);
    this.stateOutput = String(this.opts.state_output ?? 'full').toLowerCase();
    this.profile = pyTruthy(this.opts.state_output_profile ?? true);
  }

  /** Salt's highstate `output()`: unwraps envelopes, then formats each host. */
  output(input: unknown, indentLevel: number): unknown {
    let data = input;
    if (isDict(data) && dictHas(data, 'return')) data = dictGet(data, 'return');
    if (isDict(data) && dictHas(data, 'data')) data = dictGet(data, 'data');
    if (isDict(data) && pyLen(data) === 1) {
      const only = dictItems(data)[0][1];
      if (isDict(only) && dictHas(only, 'jid') && dictHas(only, 'fun')) {
        const ret = dictHas(only, 'return') ? dictGet(only, 'return') : {};
        if (!isDict(ret)) throw new OutputDataError('AttributeError', "'return' has no attribute 'get'");
        if (dictHas(ret, 'data')) data = dictGet(ret, 'data');
      }
    }
    if (typeof data === 'string' || typeof data === 'boolean' || isInt(data)) return data;
    if (data === null || data === undefined) return 'None';
    if (!isDict(data)) throw new OutputDataError('AttributeError', `'${typeof data}' object has no attribute 'keys'`);

    let items = dictItems(data);
    const masters = items.filter(([k]) => typeof k === 'string' && k.endsWith('_master'));
    if (dictHas(data, 'retcode') && masters.length === 1) items = items.filter(([k]) => k !== 'retcode');
    if (this.opts.state_compress_ids) items = compressIds(items);

    const texts = items.map(([host, hostdata]) => this.formatHost(host, hostdata, indentLevel).text);
    return texts.join('\n');
  }

  private formatHost(rawHost: unknown, data: unknown, indentLevel = 1): { text: string; changed: boolean } {
    const c = this.colors;
    let host = rawHost instanceof Uint8Array ? (decodeUtf8(rawHost) ?? pyStr(rawHost)) : pyStr(rawHost);
    const tabular = this.opts.state_tabular ?? false;
    const stripColors = this.opts.strip_colors ?? true;
    const rcounts = new Map<string, number>();
    const rdurations: number[] = [];
    const pdurations: number[] = [];
    let hcolor = c.GREEN;
    const hstrs: string[] = [];
    let nchanges = 0;

    if (typeof data === 'boolean' || isInt(data)) {
      nchanges = 1;
      hstrs.push(`${hcolor}    ${pyStr(data)}${c.ENDC}`);
      hcolor = c.CYAN;
    } else if (typeof data === 'string') {
      nchanges = 1;
      for (const line of splitlines(data)) hstrs.push(`${hcolor}    ${line}${c.ENDC}`);
      hcolor = c.CYAN;
    } else if (Array.isArray(data)) {
      hcolor = c.LIGHT_RED;
      hstrs.push(`    ${hcolor}Data failed to compile:${c.ENDC}`);
      for (let err of data) {
        if (err instanceof Uint8Array) err = decodeUtf8(err) ?? err;
        if (stripColors && typeof err === 'string') err = stripEscSequence(err);
        hstrs.push(`${hcolor}----------\n    ${pyStr(err)}${c.ENDC}`);
      }
    } else if (isDict(data)) {
      const states: [string, Dict][] = [];
      for (const [tname, info] of dictItems(data)) {
        if (isDict(info) && tname !== 'changes' && pyTruthy(info) && !dictHas(info, '__run_num__')) {
          hstrs.unshift(pformat(info));
          hstrs.unshift(
            'The State execution failed to record the order in which all states were executed. ' +
              'The state return missing data is:',
          );
        }
        if (isDict(info) && dictHas(info, 'result')) states.push([pyStr(tname), info]);
      }
      const runNum = (d: Dict): unknown => (dictHas(d, '__run_num__') ? dictGet(d, '__run_num__') : 0);
      states.sort((a, b) => pyCompare(runNum(a[1]), runNum(b[1])));

      for (const [tname, info] of states) {
        const ret = stateRet(info);
        const result = ret.get('result');
        const rkey = resultKey(result);
        rcounts.set(rkey, rcounts.get(rkey) ?? 0);

        let compressedCount = 1;
        if (this.opts.state_compress_ids && tname.includes('_|-state_compressed_')) {
          const parts = tname.split('_|-');
          if (parts.length !== 4) throw new OutputDataError('TypeError', 'bad compressed state name');
          const m = /\((\d+)\)$/.exec(parts[1]);
          if (m) compressedCount = Number(m[1]);
        }
        rcounts.set(rkey, rcounts.get(rkey)! + compressedCount);

        const duration = ret.has('duration') ? ret.get('duration') : 0;
        const parsed = durationValue(duration);
        if (parsed !== undefined) (ret.has('__parallel__') ? pdurations : rdurations).push(parsed);

        let tcolor = c.GREEN;
        let schanged: boolean;
        let ctext: string;
        const changes = ret.get('changes');
        if (ORCHESTRATION_FUNCTIONS.has(ret.get('name') as string)) {
          if (!ret.has('changes')) throw new OutputDataError('KeyError', 'changes');
          const nested = this.output(changes, indentLevel + 1);
          if (typeof nested !== 'string') throw new OutputDataError('TypeError', 'can only concatenate str');
          ctext = indentLines('\n' + nested, ' '.repeat(14 * indentLevel));
          schanged = true;
          nchanges += 1;
        } else {
          if (!ret.has('changes')) throw new OutputDataError('KeyError', 'changes');
          [schanged, ctext] = this.formatChanges(changes);
          if (schanged && compressedCount > 1) {
            const compressed = isDict(changes) ? dictGet(changes, 'compressed changes') : undefined;
            nchanges += (compressed !== undefined ? pyLen(compressed) : 0) || 1;
          } else nchanges += schanged ? 1 : 0;
        }

        const succeeded = pyTruthy(result);
        if (this.opts.state_output_diff && succeeded && !schanged) continue;
        if (!pyTruthy(this.opts.state_verbose ?? true) && succeeded && !schanged) continue;

        if (schanged) tcolor = c.CYAN;
        if (result === false) {
          hcolor = c.RED;
          tcolor = c.RED;
        }
        if (result === null || result === undefined) {
          hcolor = c.LIGHT_YELLOW;
          tcolor = c.LIGHT_YELLOW;
        }

        const comps = tname.split('_|-');
        if (comps.length < 4) throw new OutputDataError('KeyError', `state name without 4 parts: ${tname}`);
        if (this.stateOutput.endsWith('_id')) comps[2] = comps[1];

        if (this.stateOutput.startsWith('filter')) {
          const { exclude, terse } = this.filterLists();
          if (terse.includes(pyStr(result))) {
            hstrs.push(this.formatTerse(tcolor, comps, ret, tabular));
            continue;
          }
          if (exclude.includes(pyStr(result))) continue;
        } else if (
          this.stateOutput.startsWith('terse') ||
          (this.stateOutput.startsWith('mixed') && result !== false) ||
          (this.stateOutput.startsWith('changes') && succeeded && !schanged)
        ) {
          hstrs.push(this.formatTerse(tcolor, comps, ret, tabular));
          continue;
        }

        hstrs.push(...this.fullBlock(tcolor, comps, ret), `${tcolor}     Changes:   ${ctext}${c.ENDC}`);

        if (ret.has('warnings')) {
          rcounts.set('warnings', (rcounts.get('warnings') ?? 0) + 1);
          const warnings = ret.get('warnings');
          const text = Array.isArray(warnings) ? warnings.map(pyStr).join('\n') : [...pyStr(warnings)].join('\n');
          const wrapped = fill(text, { width: 80, initialIndent: INDENT14, subsequentIndent: INDENT14 });
          hstrs.push(`   ${c.LIGHT_RED} Warnings: ${wrapped.replace(/^\s+/u, '')}${c.ENDC}`);
        }
      }
      hstrs.push(...this.summary(host, rcounts, nchanges, rdurations, pdurations));
    }

    if (stripColors) host = stripEscSequence(host);
    hstrs.unshift(`${hcolor}${host}:${c.ENDC}`);
    return { text: hstrs.join('\n'), changed: nchanges > 0 };
  }

  private filterLists(): { exclude: string[]; terse: string[] } {
    let clikwargs: Dict = {};
    const cliargs = this.opts.arg ?? [];
    if (Array.isArray(cliargs)) {
      for (const item of cliargs) if (isDict(item) && dictHas(item, '__kwarg__')) clikwargs = item;
    }
    const pick = (name: string, optName: string): string[] => {
      const v = dictHas(clikwargs, name) ? dictGet(clikwargs, name) : (this.opts[optName] ?? []);
      if (typeof v === 'string') return v.split(',');
      if (Array.isArray(v)) return v.map(pyStr);
      if (isDict(v)) return dictKeys(v).map(pyStr);
      throw new OutputDataError('TypeError', `argument of type '${typeof v}' is not iterable`);
    };
    return { exclude: pick('exclude', 'state_output_exclude'), terse: pick('terse', 'state_output_terse') };
  }

  private fullBlock(tcolor: string, comps: string[], ret: StateRet): string[] {
    const c = this.colors;
    const lines = [
      `${tcolor}----------${c.ENDC}`,
      `    ${tcolor}      ID: ${comps[1]}${c.ENDC}`,
      `    ${tcolor}Function: ${comps[0]}.${comps[3]}${c.ENDC}`,
      `    ${tcolor}  Result: ${pyStr(ret.get('result'))}${c.ENDC}`,
      `    ${tcolor} Comment: ${this.comment(ret)}${c.ENDC}`,
    ];
    if (this.profile && ret.has('start_time')) {
      const duration = ret.has('duration') ? ret.get('duration') : '';
      const shown = duration === '' ? '' : `${pyStr(duration)} ms`;
      lines.push(`    ${tcolor} Started: ${pyStr(ret.get('start_time'))}${c.ENDC}`, `    ${tcolor}Duration: ${shown}${c.ENDC}`);
    }
    if (comps[1] !== comps[2]) lines.splice(3, 0, `    ${tcolor}    Name: ${comps[2]}${c.ENDC}`);
    return lines;
  }

  private comment(ret: StateRet): string {
    const raw = ret.get('comment');
    if (!ret.has('comment')) throw new OutputDataError('KeyError', 'comment');
    // Python 3 Salt str()s a non-str comment first: a list prints as ['a', 'b'], bytes as b'...'.
    let comment = pyStrip(pyStr(raw)).replaceAll('\n', '\n' + INDENT14);
    if (ret.has('data')) {
      const data = ret.get('data');
      if (Array.isArray(data)) for (const item of data) comment = `${comment} ${pyStr(item)}`;
      else if (isDict(data)) for (const [k, v] of dictItems(data)) comment = `${comment}\n\t\t${pyStr(k)}: ${pyStr(v)}`;
      else comment = `${comment} ${pyStr(data)}`;
    }
    return comment;
  }

  /** Salt's `_format_changes`: whether the state changed something, and the text after "Changes:". */
  private formatChanges(changes: unknown): [boolean, string] {
    if (!pyTruthy(changes)) return [false, ''];
    if (!isDict(changes)) return [true, `Invalid Changes data: ${pyStr(changes)}`];
    const ret = dictGet(changes, 'ret');
    if (ret !== undefined && ret !== null && dictGet(changes, 'out') === 'highstate') {
      if (!isDict(ret)) throw new OutputDataError('AttributeError', "'ret' has no attribute 'items'");
      let ctext = '';
      let changed = false;
      for (const [host, hostdata] of dictItems(ret)) {
        const { text, changed: c } = this.formatHost(host, hostdata);
        ctext += '\n' + splitlines(text).map((l) => INDENT14 + l).join('\n');
        changed = changed || c;
      }
      return [changed, ctext];
    }
    return [true, '\n' + this.nestedChanges(changes)];
  }

  /** `out_format(changes, 'nested', opts, nested_indent=14)`, with its fallback to raw. */
  private nestedChanges(changes: unknown): string {
    const kwargs = { nested_indent: 14 };
    const ctx: OutputContext = { opts: overlayOptions(this.opts, kwargs), kwargs };
    try {
      return pyRstrip(nestedOutput(changes, ctx));
    } catch (err) {
      if (!(err instanceof OutputDataError)) throw err;
      return pyRstrip(pyStr(changes));
    }
  }

  private formatTerse(tcolor: string, comps: string[], ret: StateRet, tabular: unknown): string {
    const c = this.colors;
    let result = 'Clean';
    if (pyTruthy(ret.get('changes'))) result = 'Changed';
    if (ret.get('result') === false) result = 'Failed';
    else if (ret.get('result') === null || ret.get('result') === undefined) result = 'Differs';
    const withProfile = this.profile && ret.has('start_time');
    const warnings = ret.has('warnings') ? ret.get('warnings') : undefined;
    const warningText = warnings === undefined ? '' : Array.isArray(warnings) ? warnings.map(pyStr).join('\n') : pyStr(warnings);
    const name = comps[2];
    const fun = `${comps[0]}`;
    const last = comps[comps.length - 1];
    if (tabular === true) {
      let s = warnings !== undefined ? `${c.LIGHT_RED}Warnings:\n${warningText}${c.ENDC}\n` : '';
      s += tcolor;
      if (withProfile) s += `${pyStr(ret.get('start_time'))} [${rjust(pyStr(ret.get('duration')), 7)} ms] `;
      return s + `${rjust(fun, 10)}.${last.padEnd(10)} ${result.padEnd(7)}   Name: ${name}${c.ENDC}`;
    }
    if (typeof tabular === 'string') {
      const retDict = new Map<unknown, unknown>();
      for (const key of ['start_time', 'duration', 'name', 'result', 'comment', 'changes', '__id__', '__sls__', '__run_num__']) {
        if (ret.has(key)) retDict.set(key, ret.get(key));
      }
      return pyFormat(tabular, [tcolor, name, fun, last, result, c.ENDC, retDict]);
    }
    let s = warnings !== undefined ? `${c.LIGHT_RED}Warnings:\n${warningText}${c.ENDC}` : '';
    s += ` ${tcolor} Name: ${name} - Function: ${fun}.${last} - Result: ${result}`;
    if (withProfile) s += ` - Started: ${pyStr(ret.get('start_time'))} - Duration: ${pyStr(ret.get('duration'))} ms`;
    return s + c.ENDC;
  }

  private summary(host: string, rcounts: Map<string, number>, nchanges: number, rdurations: number[], pdurations: number[]): string[] {
    const c = this.colors;
    const out: string[] = [];
    const counts = [...rcounts.values()];
    const countMaxLen = Math.max(0, ...counts.map((n) => String(n).length));
    const lineMaxLen = 9 + countMaxLen + 2; // longest label ("Succeeded") + ": "
    const line = (label: string, count: string): string => `${label}: ${rjust(count, lineMaxLen - (label.length + 2))}`;
    out.push(`${c.CYAN}\nSummary for ${host}\n${'-'.repeat(lineMaxLen)}${c.ENDC}`);

    const succeeded = (rcounts.get('True') ?? 0) + (rcounts.get('None') ?? 0);
    const stats: string[] = [];
    if ((rcounts.get('None') ?? 0) > 0) stats.push(`${c.LIGHT_YELLOW}unchanged=${rcounts.get('None')}${c.ENDC}`);
    if (nchanges > 0) stats.push(`${c.GREEN}changed=${nchanges}${c.ENDC}`);
    const changestats = stats.length ? ` (${stats.join(', ')})` : '';
    out.push(`${c.GREEN}${line('Succeeded', String(succeeded))}${c.ENDC}${changestats}`);

    const failed = rcounts.get('False') ?? 0;
    const failColor = failed ? c.RED : c.CYAN;
    out.push(`${failColor}${line('Failed', String(failed))}${c.ENDC}`);

    const warnings = rcounts.get('warnings') ?? 0;
    const total = counts.reduce((a, b) => a + b, 0) - warnings;
    if (this.opts.state_output_pct && total !== 0) {
      const pct = (n: number): string => reprNumber(new PyFloat(pyRound((n / total) * 100, 2)));
      out.push(`${c.GREEN}${line('Success %', pct(succeeded))}${c.ENDC}`);
      out.push(`${failColor}${line('Failure %', pct(failed))}${c.ENDC}`);
    }
    if (warnings) out.push(`${c.LIGHT_RED}${line('Warnings', String(warnings))}${c.ENDC}`);
    out.push(`${c.CYAN}${'-'.repeat(lineMaxLen)}\nTotal states run: ${rjust(String(total), lineMaxLen - 7)}${c.ENDC}`);

    if (this.profile) {
      let sum = rdurations.reduce((a, b) => a + b, 0);
      if (pdurations.length) sum += Math.max(...pdurations);
      let unit = 'ms';
      if (sum > 999) {
        sum /= 1000;
        unit = 's';
      }
      out.push(`${c.CYAN}Total run time: ${rjust(formatFixed(sum, 3), lineMaxLen - 5)} ${unit}${c.ENDC}`);
    }
    return out;
  }
}

/**
 * Salt's `_compress_ids`: states of one ID, SLS and result with several names become one state
 * named `<id> (<count>)`, with the lowest `__run_num__`, the summed duration, the earliest start and
 * the changes keyed by name. Any surprise in the data leaves it unchanged, as in Salt.
 */
function compressIds(hosts: [unknown, unknown][]): [unknown, unknown][] {
  try {
    return hosts.map(([host, hostdata]) => {
      if (!isDict(hostdata)) throw new OutputDataError('AttributeError', 'no items');
      const groupKey = (tname: unknown, info: unknown): string => {
        if (!isDict(info) || !dictHas(info, '__id__') || !dictHas(info, '__sls__') || !dictHas(info, 'result')) {
          throw new OutputDataError('KeyError', '__id__');
        }
        const fun = pyStr(tname).split('_|-')[0];
        return [fun, dictGet(info, '__id__'), dictGet(info, '__sls__'), dictGet(info, 'result')].map(pyStr).join('_');
      };
      const idCount = new Map<string, number>();
      for (const [tname, info] of dictItems(hostdata)) {
        const k = groupKey(tname, info);
        idCount.set(k, (idCount.get(k) ?? 0) + 1);
      }
      const compressed = new Map<string, Map<unknown, unknown>>();
      for (const [rawName, rawInfo] of dictItems(hostdata)) {
        const info = rawInfo as Dict;
        const k = groupKey(rawName, info);
        const count = idCount.get(k)!;
        let tname = pyStr(rawName);
        if (count === 1) {
          compressed.set(tname, new Map(dictItems(info)));
          continue;
        }
        const comps = tname.split('_|-');
        const id = dictGet(info, '__id__');
        comps[2] = ['state_compressed', dictGet(info, '__sls__'), id, dictGet(info, 'result')].map(pyStr).join('_');
        comps[1] = `${pyStr(id)} (${count})`;
        tname = comps.join('_|-');
        const existing = compressed.get(tname);
        if (!existing) {
          compressed.set(tname, new Map(dictItems(info)));
          continue;
        }
        const need = (d: Dict, key: string): unknown => {
          if (!dictHas(d, key)) throw new OutputDataError('KeyError', key);
          return dictGet(d, key);
        };
        const runNums = [need(info, '__run_num__'), need(existing, '__run_num__')];
        existing.set('__run_num__', pyCompare(runNums[0], runNums[1]) <= 0 ? runNums[0] : runNums[1]);
        const durations = [need(info, 'duration'), need(existing, 'duration')];
        if (!durations.every(isNumber)) throw new OutputDataError('TypeError', 'duration is not a number');
        const sum = durations.reduce<number>((a, d) => a + Number(d instanceof PyFloat ? d.value : d), 0);
        const allInts = durations.every(isInt);
        const total = allInts ? sum : pyRound(sum, 3);
        existing.set('duration', !allInts && Number.isInteger(total) ? new PyFloat(total) : total);
        const starts = [need(info, 'start_time'), need(existing, 'start_time')];
        existing.set('start_time', pyCompare(starts[0], starts[1]) <= 0 ? starts[0] : starts[1]);

        const oldChanges = existing.get('changes');
        const newChanges = dictGet(info, 'changes');
        if (pyTruthy(oldChanges) && pyTruthy(newChanges)) {
          if (!isDict(oldChanges)) throw new OutputDataError('AttributeError', 'changes has no get');
          let bucket = dictGet(oldChanges, 'compressed changes');
          if (!pyTruthy(bucket)) {
            bucket = new Map([[existing.get('name'), oldChanges]]);
            existing.set('changes', new Map([['compressed changes', bucket]]));
          }
          (bucket as Map<unknown, unknown>).set(need(info, 'name'), newChanges);
        } else if (pyTruthy(newChanges)) {
          existing.set('changes', new Map([['compressed changes', new Map([[need(info, 'name'), newChanges]])]]));
        }
      }
      return [host, compressed] as [unknown, unknown];
    });
  } catch (err) {
    if (!(err instanceof OutputDataError)) throw err;
    return hosts;
  }
}

/**
 * Salt's `highstate` outputter. Options: `state_output` (full, terse, mixed, changes, filter and
 * their `_id` variants), `state_verbose`, `state_output_diff`, `state_output_profile`,
 * `state_tabular`, `state_output_pct`, `state_compress_ids`, `state_output_exclude`/`_terse`
 * (or `exclude=`/`terse=` in the CLI kwargs in `opts.arg`), `color`, `strip_colors`.
 * A string is returned as is.
 * @throws OutputDataError for an int, a list or other data that is not state results (Salt falls back to nested).
 */
export function highstateOutput(data: unknown, ctx: OutputContext): string {
  const indentLevel = Number(ctx.kwargs.indent_level ?? 1);
  const text = new HighstateFormatter(ctx).output(data, indentLevel);
  // Salt returns a non-string as is and its caller's .rstrip() fails: the nested fallback follows.
  if (typeof text !== 'string') throw new OutputDataError('AttributeError', 'highstate data is not state results');
  return text;
}
