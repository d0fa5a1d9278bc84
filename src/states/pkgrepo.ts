/**
 * Salt's `pkgrepo` state module for apt: make sure a `deb` source line is configured
 * (`managed`) or not (`absent`) in /etc/apt/sources.list or a `sources.list.d` file.
 * Signing keys are not managed here: a state that passes key options gets a warning.
 */
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { SaltModule } from '../loader/types.js';
import type { StateCallContext } from '../state/runner.js';
import { pyStr } from '../state/_py.js';
import { defineState, type StateRet } from './_define.js';

/** Where apt source lines live; tests point these at a scratch directory. */
export const aptSourcePaths = { list: '/etc/apt/sources.list', dir: '/etc/apt/sources.list.d' };

/** One parsed source line. */
interface SourceLine {
  file: string;
  index: number;
  disabled: boolean;
  type: string;
  options: string[];
  uri: string;
  dist: string;
  comps: string[];
  line: string;
}

/** Parses `[#] deb [opts] uri dist comps...`; null for anything else. */
export function parseSourceLine(text: string): Omit<SourceLine, 'file' | 'index'> | null {
  let t = text.trim();
  let disabled = false;
  if (t.startsWith('#')) {
    disabled = true;
    t = t.replace(/^#+\s*/, '');
  }
  t = t.split('#')[0].trim();
  const m = /^(deb|deb-src)\s+(?:\[([^\]]*)\]\s+)?(\S+)\s+(\S+)(.*)$/.exec(t);
  if (!m) return null;
  return {
    disabled,
    type: m[1],
    options: m[2] ? m[2].trim().split(/\s+/).sort() : [],
    uri: m[3].replace(/\/+$/, ''),
    dist: m[4],
    comps: m[5].trim() ? m[5].trim().split(/\s+/) : [],
    line: t,
  };
}

function sourceFiles(extra: string | null): string[] {
  const files = [aptSourcePaths.list];
  try {
    for (const f of readdirSync(aptSourcePaths.dir).sort()) if (f.endsWith('.list')) files.push(join(aptSourcePaths.dir, f));
  } catch {
    // no sources.list.d
  }
  if (extra && !files.includes(extra)) files.push(extra);
  return files;
}

function readSources(extra: string | null): SourceLine[] {
  const out: SourceLine[] = [];
  for (const file of sourceFiles(extra)) {
    if (!existsSync(file)) continue;
    readFileSync(file, 'utf8').split('\n').forEach((l, index) => {
      const parsed = parseSourceLine(l);
      if (parsed) out.push({ ...parsed, file, index });
    });
  }
  return out;
}

function sameRepo(a: { type: string; uri: string; dist: string }, b: { type: string; uri: string; dist: string }): boolean {
  return a.type === b.type && a.uri === b.uri && a.dist === b.dist;
}

function canonical(s: { type: string; options: string[]; uri: string; dist: string; comps: string[] }): string {
  const opts = s.options.length ? ` [${s.options.join(' ')}]` : '';
  return `${s.type}${opts} ${s.uri} ${s.dist} ${[...s.comps].sort().join(' ')}`.trim();
}

function writeLine(file: string, index: number | null, line: string | null): void {
  const lines = existsSync(file) ? readFileSync(file, 'utf8').split('\n') : [];
  if (lines.length && lines[lines.length - 1] === '') lines.pop();
  if (index === null) lines.push(line!);
  else if (line === null) lines.splice(index, 1);
  else lines[index] = line;
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, lines.length ? `${lines.join('\n')}\n` : '');
}

const KEY_OPTIONS = ['key_url', 'key_text', 'keyid', 'keyserver'];

async function managed(p: Record<string, any>, ctx: StateCallContext, kwargs: Record<string, unknown>): Promise<StateRet> {
  const name = pyStr(p.name);
  const ret: StateRet = { name, changes: {}, result: null, comment: '' };
  if ('key_url' in kwargs && ('keyid' in kwargs || 'keyserver' in kwargs)) {
    ret.result = false;
    ret.comment = 'You may not use both "keyid"/"keyserver" and "key_url" argument.';
  }
  if ('key_text' in kwargs && ('keyid' in kwargs || 'keyserver' in kwargs)) {
    ret.result = false;
    ret.comment = 'You may not use both "keyid"/"keyserver" and "key_text" argument.';
  }
  if ('key_text' in kwargs && 'key_url' in kwargs) {
    ret.result = false;
    ret.comment = 'You may not use both "key_url" and "key_text" argument.';
  }
  if ('repo' in kwargs) {
    ret.result = false;
    ret.comment = "'repo' is not a supported argument for this state. The 'name' argument is probably what was intended.";
    return ret;
  }
  if (p.enabled !== null && p.enabled !== undefined && p.disabled !== null && p.disabled !== undefined) {
    ret.result = false;
    ret.comment = 'Only one of enabled/disabled is allowed';
    return ret;
  }
  const disabled = p.disabled !== null && p.disabled !== undefined ? !!p.disabled : p.enabled === false;
  const wanted = parseSourceLine(name);
  if (!wanted || wanted.disabled) {
    ret.result = false;
    ret.comment = `Failed to examine repo '${name}': Malformed source line: ${name}`;
    return ret;
  }
  if (p.comps) wanted.comps = (Array.isArray(p.comps) ? p.comps : pyStr(p.comps).split(',')).map((c: unknown) => pyStr(c));
  const file = p.file ? pyStr(p.file) : null;
  const pre = readSources(file).find((s) => sameRepo(s, wanted));
  if (KEY_OPTIONS.some((k) => k in kwargs)) ((ret.warnings ??= []) as string[]).push('Signing keys are not managed by this pkgrepo implementation');
  const wantLine = canonical(wanted);
  const newText = disabled ? `# ${wantLine}` : wantLine;
  if (pre && canonical(pre) === wantLine && pre.disabled === disabled && (!file || pre.file === file)) {
    ret.result = true;
    ret.comment = `Package repo '${name}' already configured`;
    return ret;
  }
  if (ctx.test) {
    ret.comment = `Package repo '${name}' would be configured. This may cause pkg states to behave differently than stated if this action is repeated without test=True, due to the differences in the configured repositories.`;
    if (pre) {
      if (canonical(pre) !== wantLine) ret.changes.line = { new: wantLine, old: canonical(pre) };
      if (pre.disabled !== disabled) ret.changes.disabled = { new: disabled, old: pre.disabled };
    } else ret.changes.repo = name;
    return ret;
  }
  try {
    if (pre && (!file || pre.file === file)) writeLine(pre.file, pre.index, newText);
    else {
      if (pre) writeLine(pre.file, pre.index, null);
      writeLine(file ?? aptSourcePaths.list, null, newText);
    }
  } catch (err) {
    ret.result = false;
    ret.comment = `Failed to configure repo '${name}': ${(err as Error).message}`;
    return ret;
  }
  if (p.refresh !== false && p.refresh_db !== false) {
    try {
      await ctx.salt('pkg.refresh_db');
    } catch (err) {
      ctx.log.warn(`pkgrepo.managed: refreshing the package database failed: ${(err as Error).message}`);
    }
  }
  const post = readSources(file).find((s) => sameRepo(s, wanted));
  if (pre && post) {
    if (canonical(pre) !== canonical(post)) ret.changes.line = { new: canonical(post), old: canonical(pre) };
    if (pre.disabled !== post.disabled) ret.changes.disabled = { new: post.disabled, old: pre.disabled };
    if (pre.file !== post.file) ret.changes.file = { new: post.file, old: pre.file };
  } else ret.changes = { repo: name };
  ret.result = true;
  ret.comment = `Configured package repo '${name}'`;
  return ret;
}

function absent(p: Record<string, any>, ctx: StateCallContext): StateRet {
  const name = pyStr(p.name);
  const ret: StateRet = { name, changes: {}, result: null, comment: '' };
  const wanted = parseSourceLine(name);
  const found = wanted ? readSources(null).filter((s) => sameRepo(s, wanted) && canonical(s) === canonical(wanted)) : [];
  if (!found.length) {
    ret.comment = `Package repo ${name} is absent`;
    ret.result = true;
    return ret;
  }
  if (ctx.test) {
    ret.comment = `Package repo '${name}' will be removed. This may cause pkg states to behave differently than stated if this action is repeated without test=True, due to the differences in the configured repositories.`;
    return ret;
  }
  for (const s of [...found].sort((a, b) => b.index - a.index)) writeLine(s.file, s.index, null);
  for (const file of new Set(found.map((s) => s.file))) {
    if (file.startsWith(`${aptSourcePaths.dir}/`) && !readFileSync(file, 'utf8').trim()) rmSync(file, { force: true });
  }
  if (readSources(null).some((s) => sameRepo(s, wanted!) && canonical(s) === canonical(wanted!))) {
    ret.result = false;
    ret.comment = `Failed to remove repo ${name}`;
    return ret;
  }
  ret.changes.repo = name;
  ret.comment = `Removed repo ${name}`;
  ret.result = true;
  return ret;
}

const mod: SaltModule = {
  name: 'pkgrepo',
  functions: {
    managed: defineState(
      {
        args: ['name', 'ppa', 'copr', 'aptkey', 'file', 'comps', 'enabled', 'disabled', 'refresh', 'refresh_db'],
        defaults: { ppa: null, copr: null, aptkey: true, file: null, comps: null, enabled: null, disabled: null, refresh: true, refresh_db: true },
        kwargs: true,
        doc: 'This state manages software package repositories.',
      },
      (p, ctx, { kwargs }) => managed(p, ctx, kwargs),
    ),
    absent: defineState({ args: ['name'], kwargs: true, doc: 'This function deletes the specified repo on the system, if it exists.' }, (p, ctx) => absent(p, ctx)),
  },
};

export default mod;
