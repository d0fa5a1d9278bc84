/**
 * The `file` states that edit a file in place: `line`, `blockreplace`, `keyvalue` and
 * `prepend`. Comments, change keys and test-mode behaviour are Salt 3006's.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { pyReEscape } from '../modules/_pyre_sub.js';
import { pyTypeName } from '../modules/_pyrepr.js';
import { isDict, pyStr } from '../state/_py.js';
import type { StateCallContext } from '../state/runner.js';
import type { StateRet } from './_define.js';
import { getDiff } from './_diff.js';
import { checkFile, expandUser, failWith, fileExec, strList, templateTexts, unifySources } from './_file_common.js';

const isNone = (v: unknown) => v === null || v === undefined;

/** `file.line`: one line-focused edit through the `file.line` execution function. */
export async function lineState(p: Record<string, any>, ctx: StateCallContext): Promise<StateRet> {
  const name = expandUser(pyStr(p.name ?? ''));
  const ret: StateRet = { name, changes: {}, result: true, comment: '' };
  if (!name) return failWith(ret, 'Must provide name to file.line');
  // Salt first runs file.managed(create=create, replace=False) on the path.
  if (!existsSync(name) && p.create && !ctx.test && existsSync(dirname(name))) {
    writeFileSync(name, '');
  }
  const bad = checkFile(name);
  if (bad) return failWith(ret, bad);
  const mode = typeof p.mode === 'string' ? p.mode.toLowerCase() : p.mode;
  if (isNone(mode)) return failWith(ret, 'Mode was not defined. How to process the file?');
  if (mode !== 'delete' && isNone(p.content)) return failWith(ret, "Content can only be empty if mode is ['delete']");
  const changes = await fileExec(ctx, 'line', {
    path: name, content: p.content, match: p.match, mode, location: p.location, before: p.before, after: p.after,
    show_changes: p.show_changes, backup: p.backup, quiet: p.quiet, indent: p.indent,
  });
  if (changes) {
    ret.changes.diff = changes;
    ret.result = ctx.test ? null : true;
    ret.comment = ctx.test ? 'Changes would be made' : 'Changes were made';
  } else ret.comment = 'No changes needed to be made';
  return ret;
}

/** `file.blockreplace`: the text between two marker lines, through `file.blockreplace`. */
export async function blockreplaceState(p: Record<string, any>, ctx: StateCallContext): Promise<StateRet> {
  const name = expandUser(pyStr(p.name ?? ''));
  const ret: StateRet = { name, changes: {}, result: false, comment: '' };
  if (!name) return failWith(ret, 'Must provide name to file.blockreplace');
  const unified = unifySources(p.source, p.sources);
  if ('error' in unified) return failWith(ret, unified.error);
  const bad = checkFile(name);
  if (bad) return failWith(ret, bad);
  let content = isNone(p.content) ? '' : pyStr(p.content);
  if (unified.list.length) {
    const got = await templateTexts(ctx, unified.list, p.template, p.defaults, p.context);
    if ('fail' in got) return got.fail;
    content += got.texts.join('');
  }
  let changes: unknown;
  try {
    changes = await fileExec(ctx, 'blockreplace', {
      path: name, marker_start: p.marker_start, marker_end: p.marker_end, content, append_if_not_found: p.append_if_not_found,
      prepend_if_not_found: p.prepend_if_not_found, insert_before_match: p.insert_before_match, insert_after_match: p.insert_after_match,
      backup: p.backup, dry_run: ctx.test, show_changes: p.show_changes, append_newline: p.append_newline,
    });
  } catch (err) {
    ctx.log.error(`Encountered error managing block: ${(err as Error).message}`);
    ret.comment = `Encountered error managing block: ${(err as Error).message}. See the log for details.`;
    return ret;
  }
  if (changes) {
    ret.changes.diff = changes;
    ret.result = ctx.test ? null : true;
    ret.comment = ctx.test ? 'Changes would be made' : 'Changes were made';
  } else {
    ret.result = true;
    ret.comment = 'No changes needed to be made';
  }
  return ret;
}

/** Python's `str.lstrip(chars)` (whitespace when `chars` is null). */
function lstripChars(s: string, chars: unknown): string {
  if (isNone(chars)) return s.replace(/^\s+/, '');
  const set = new Set(pyStr(chars));
  let i = 0;
  while (i < s.length && set.has(s[i])) i++;
  return s.slice(i);
}

/** Python's `str.partition(sep)`. */
function partition(s: string, sep: string): [string, string, string] {
  const at = s.indexOf(sep);
  return at < 0 ? [s, '', ''] : [s.slice(0, at), sep, s.slice(at + sep.length)];
}

/** `file.keyvalue`: `key<separator>value` lines, edited in place. */
export function keyvalueState(p: Record<string, any>, ctx: StateCallContext): StateRet {
  const name = expandUser(pyStr(p.name ?? ''));
  const ret: StateRet = { name, changes: {}, result: null, comment: '' };
  if (!name) return failWith(ret, 'Must provide name to file.keyvalue');
  let keyValues: Record<string, unknown>;
  if (!isNone(p.key) && !isNone(p.value)) {
    if (isDict(p.key_values)) return failWith(ret, 'file.keyvalue can not combine key_values with key and value');
    keyValues = { [pyStr(p.key)]: p.value };
  } else if (!isDict(p.key_values) || !Object.keys(p.key_values).length) {
    const empty = isNone(p.key_values) || p.key_values === '' || p.key_values === false || (isDict(p.key_values) && !Object.keys(p.key_values).length) || (Array.isArray(p.key_values) && !p.key_values.length);
    return failWith(ret, `file.keyvalue key and value not supplied and key_values ${empty ? 'is empty' : 'is not a dictionary'}`);
  } else keyValues = p.key_values;
  let text: string;
  try {
    text = readFileSync(name, 'utf8');
  } catch {
    ret.comment = `unable to open ${name}`;
    ret.result = !!p.ignore_if_missing;
    return ret;
  }
  const sep = pyStr(p.separator);
  const count = Number(p.count ?? 1);
  const lines = text.match(/[^\n]*\n|[^\n]+$/g) ?? [];
  const diff: string[] = [];
  const content: string[] = [];
  const left: Record<string, number> = Object.fromEntries(Object.keys(keyValues).map((k) => [k, count]));
  const fmt = (k: string, v: unknown) => `${k}${sep}${pyStr(v)}\n`;
  let changes = 0;
  for (let line of lines) {
    let test = lstripChars(line, p.uncomment);
    const didUncomment = line.length > test.length;
    if (p.key_ignore_case) test = test.toLowerCase();
    for (const [key, value] of Object.entries(keyValues)) {
      const testKey = p.key_ignore_case ? key.toLowerCase() : key;
      if (!test.startsWith(testKey)) continue;
      const working = didUncomment ? lstripChars(line, p.uncomment) : line;
      const [lineKey, lineSep, rest] = partition(working, sep);
      if (lineSep !== sep) continue;
      if ((p.key_ignore_case ? lineKey.toLowerCase() : lineKey) !== testKey) continue;
      let lineValue = rest.trim();
      let testValue = pyStr(value).trim();
      if (p.value_ignore_case) {
        lineValue = lineValue.toLowerCase();
        testValue = testValue.toLowerCase();
      }
      let valuesMatch = lineValue === testValue;
      let needsChanging = false;
      if (didUncomment) {
        if (left[key] > 0) needsChanging = true;
        else if (!valuesMatch) valuesMatch = true;
      } else if (left[key] === 0) needsChanging = true;
      if (!valuesMatch || needsChanging) {
        diff.push(`- ${line}`);
        line = '';
        if (left[key] !== 0) {
          line = fmt(lineKey, value);
          diff.push(typeof value === 'string' ? `+ ${line}` : `+ ${line.trimEnd()} (from ${pyTypeName(value)} type)\n`);
        }
        changes++;
      }
      if (left[key] > 0) left[key]--;
    }
    content.push(line);
  }
  if (p.append_if_not_found) {
    const extra: string[] = [];
    for (const [key, value] of Object.entries(keyValues)) {
      if (left[key] > 0) {
        const l = fmt(key, value);
        extra.push(`+ ${l}`);
        content.push(l);
        changes++;
      }
    }
    if (extra.length) diff.push('- <EOF>\n', ...extra, '+ <EOF>\n');
  } else if (p.prepend_if_not_found) {
    let didDiff = false;
    for (const [key, value] of Object.entries(keyValues)) {
      if (left[key] > 0) {
        const l = fmt(key, value);
        if (!didDiff) {
          diff.unshift('  <SOF>\n');
          didDiff = true;
        }
        diff.splice(1, 0, `+ ${l}`);
        content.unshift(l);
        changes++;
      }
    }
  }
  if (changes === 0) {
    ret.result = true;
    return ret;
  }
  if (ctx.test) {
    ret.comment = `File ${name} is set to be changed (${changes} lines)`;
    if (p.show_changes) {
      ret.changes.diff = diff.join('');
      ret.comment += `\nPredicted diff:\n\r\t\t${diff.join('\r\t\t')}`;
      ret.result = null;
    }
    return ret;
  }
  ret.comment = `Changed ${changes} lines`;
  if (p.show_changes) ret.changes.diff = diff.join('');
  try {
    writeFileSync(name, content.join(''));
  } catch {
    return failWith(ret, `${name} not writable`);
  }
  ret.result = true;
  return ret;
}

/**
 * Salt's `build_whitespace_split_regex`: a multiline regex matching the text's lines with any
 * whitespace between (and before) their words.
 */
export function whitespaceSplitRegex(text: string): string {
  let regex = '';
  for (const line of text.split(/\r\n|\n|\r/).filter((l, i, a) => i < a.length - 1 || l !== '')) {
    const parts = line.split(/\s+/).filter(Boolean).map((s) => pyReEscape(s));
    regex += `(?:[\\s]+)?${parts.join('(?:[\\s]+)?')}`;
  }
  return `(?m)^${regex}$`;
}

function textLines(text: string): string[] {
  const lines = text.split(/\r\n|\n|\r/);
  if (lines.length && lines[lines.length - 1] === '') lines.pop();
  return lines;
}

/** `file.prepend`: text at the start of a file, unless it is already somewhere in it. */
export async function prependState(
  p: Record<string, any>,
  ctx: StateCallContext,
  touch: (p: Record<string, any>, ctx: StateCallContext) => StateRet,
): Promise<StateRet> {
  const name = expandUser(pyStr(p.name ?? ''));
  const ret: StateRet = { name, changes: {}, result: false, comment: '' };
  if (!name) return failWith(ret, 'Must provide name to file.prepend');
  const unified = unifySources(p.source, p.sources);
  if ('error' in unified) return failWith(ret, unified.error);
  if (p.makedirs === true) {
    const dir = dirname(name);
    if (ctx.test) {
      ret.comment = `Directory ${dir} is set to be updated`;
      ret.result = null;
    } else if (!existsSync(dir)) mkdirSync(dir, { recursive: true });
  }
  const bad = checkFile(name);
  if (bad) {
    const touched = touch({ name, atime: null, mtime: null, makedirs: p.makedirs }, ctx);
    if (ctx.test) return touched;
    if (checkFile(name)) return failWith(ret, bad);
  }
  let text: unknown = p.text;
  if (unified.list.length) {
    const got = await templateTexts(ctx, unified.list, p.template, p.defaults, p.context);
    if ('fail' in got) return got.fail;
    text = got.texts;
  }
  const chunks = strList(text);
  const before = readFileSync(name, 'utf8');
  const beforeLines = before.match(/[^\n]*\n|[^\n]+$/g) ?? [];
  let count = 0;
  const preface: string[] = [];
  for (const chunk of chunks) {
    if (!p.header) {
      const found = await fileExec(ctx, 'search', { path: name, pattern: whitespaceSplitRegex(chunk), multiline: true });
      if (found) continue;
    }
    for (const l of textLines(chunk)) {
      if (ctx.test) {
        ret.comment = `File ${name} is set to be updated`;
        ret.result = null;
      }
      preface.push(l);
      count++;
    }
  }
  if (ctx.test) {
    if (preface.length) {
      ret.changes.diff = getDiff(before, preface.map((l) => `${l}\n`).join('') + before);
      ret.result = null;
    } else {
      ret.comment = `File ${name} is in correct state`;
      ret.result = true;
    }
    return ret;
  }
  let write = preface.length > 0;
  if (p.header) {
    const head = beforeLines.slice(0, preface.length).flatMap((l) => textLines(l));
    if (head.length === preface.length && head.every((l, i) => l === preface[i])) {
      write = false;
      count = 0;
    }
  }
  if (write) writeFileSync(name, preface.map((l) => `${l}\n`).join('') + before);
  const after = readFileSync(name, 'utf8');
  if (after !== before) ret.changes.diff = getDiff(before, after);
  ret.comment = count ? `Prepended ${count} lines` : `File ${name} is in correct state`;
  ret.result = true;
  return ret;
}
