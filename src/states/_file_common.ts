/**
 * Helpers the `file` state functions share: path checks, `salt://` fetching, Jinja template
 * rendering of sources, ownership checks and calls into the `file` execution module with the
 * state's own options (so `__opts__["test"]` is the state's).
 */
import { existsSync, lstatSync, readFileSync, type Stats } from 'node:fs';
import { isAbsolute } from 'node:path';
import fileModule from '../modules/file.js';
import { renderTemplate } from '../render/pipeline.js';
import { isDict, pyStr } from '../state/_py.js';
import type { StateCallContext } from '../state/runner.js';
import { groupByGid, groupByName, passwdByName, passwdByUid } from '../modules/_pypath.js';
import type { StateRet } from './_define.js';

/** `lstat`, or null when nothing is there. */
export function lstatOrNull(p: string): Stats | null {
  try {
    return lstatSync(p);
  } catch {
    return null;
  }
}

/** Salt's `_error`: result false with the message as comment. */
export function failWith(ret: StateRet, comment: string): StateRet {
  ret.result = false;
  ret.comment = comment;
  return ret;
}

/** Salt's `_check_file`: null when `name` is an absolute path that exists, else the message. */
export function checkFile(name: string): string | null {
  if (!isAbsolute(name)) return `Specified file ${name} is not an absolute path`;
  if (!existsSync(name)) return `${name}: file not found`;
  return null;
}

/** `os.path.expanduser` for `~` and `~/...`. */
export function expandUser(p: string): string {
  return p.startsWith('~') ? p.replace(/^~(?=\/|$)/, process.env.HOME ?? '~') : p;
}

/** Calls a function of the `file` execution module with the state's context (its opts, its test flag). */
export async function fileExec(ctx: StateCallContext, fun: string, kwargs: Record<string, unknown>, args: unknown[] = []): Promise<unknown> {
  const func = fileModule.functions[fun];
  if (!func) throw new Error(`file.${fun} is not available`);
  return await func.fn(ctx, args, kwargs);
}

/** Splits a `salt://path?saltenv=x` URL into its path and environment (the state's when absent). */
export function parseSaltUrl(url: string, defaultEnv: string): { path: string; env: string } {
  let rel = url.slice('salt://'.length);
  let env = defaultEnv;
  const q = rel.indexOf('?saltenv=');
  if (q >= 0) {
    env = rel.slice(q + 9);
    rel = rel.slice(0, q);
  }
  return { path: rel, env };
}

/** Fetches `source` (a salt:// URL, a local path, or a list of them: the first found wins). */
export async function fetchSource(ctx: StateCallContext, source: unknown): Promise<{ url: string; data: Buffer } | null> {
  const list = Array.isArray(source) ? source : [source];
  for (const item of list) {
    const url = isDict(item) ? Object.keys(item)[0] : pyStr(item);
    if (url.startsWith('salt://')) {
      const { path, env } = parseSaltUrl(url, ctx.env);
      const f = await ctx.fileClient?.getFile(env, path);
      if (f) return { url, data: f.data };
    } else {
      const p = url.startsWith('file://') ? url.slice(7) : url;
      if (isAbsolute(p) && existsSync(p)) return { url, data: readFileSync(p) };
    }
  }
  return null;
}

/**
 * Renders a source file's text with Jinja the way `file.managed` does: `defaults` overlaid by
 * `context`, then the state's own variables (`source`, `name`, ...), then the context again
 * (Salt lets the context win over `name`).
 */
export async function renderJinjaSource(
  ctx: StateCallContext,
  text: string,
  vars: { source: string; name?: string; defaults?: unknown; context?: unknown },
): Promise<string> {
  const merged = { ...(isDict(vars.defaults) ? vars.defaults : {}), ...(isDict(vars.context) ? vars.context : {}) };
  const context = {
    source: vars.source,
    ...(vars.name !== undefined ? { name: vars.name } : {}),
    ...merged,
    grains: ctx.grains,
    pillar: ctx.pillar,
    opts: ctx.opts,
    saltenv: ctx.env,
    salt: ctx.salt,
  };
  return await renderTemplate(text, context);
}

/**
 * Salt's `_get_template_texts`: each source fetched and rendered with `template`; the texts,
 * or a failed state return naming the source.
 */
export async function templateTexts(
  ctx: StateCallContext,
  sources: unknown[],
  template: unknown,
  defaults: unknown,
  context: unknown,
): Promise<{ texts: string[] } | { fail: StateRet }> {
  const texts: string[] = [];
  for (const source of sources) {
    const url = pyStr(source);
    const got = await fetchSource(ctx, url);
    const fail = (comment: string) => ({ fail: { name: url, changes: {}, result: false, comment, data: [] } as StateRet });
    if (!got) return fail(`Failed to load template file ${url}`);
    let text = got.data.toString('utf8');
    if (template) {
      if (pyStr(template) !== 'jinja') return fail(`Failed to load template file ${url}`);
      try {
        text = await renderJinjaSource(ctx, text, { source: url, defaults, context });
      } catch {
        return fail(`Failed to load template file ${url}`);
      }
    }
    if (!text) return fail(`Failed to read rendered template file ${url} (${url})`);
    texts.push(text);
  }
  return { texts };
}

/** Salt's `_unify_sources_and_hashes` (hashes ignored: only salt:// and local sources are supported). */
export function unifySources(source: unknown, sources: unknown): { list: unknown[] } | { error: string } {
  const many = Array.isArray(sources) ? sources : [];
  if (source && many.length) return { error: 'source and sources are mutually exclusive' };
  if (source) return { list: [source] };
  return { list: many };
}

/** Salt's `_validate_str_list`: a string, or a list's items as strings. */
export function strList(arg: unknown): string[] {
  if (typeof arg === 'string') return [arg];
  if (Buffer.isBuffer(arg)) return [arg.toString('utf8')];
  if (Array.isArray(arg)) return arg.map((x) => pyStr(x));
  return [pyStr(arg)];
}

/** A user name or uid as a uid, or null when there is no such user. */
export function uidOf(user: unknown): number | null {
  if (typeof user === 'number' && Number.isInteger(user)) return user;
  return passwdByName(pyStr(user))?.uid ?? null;
}

/** A group name or gid as a gid, or null when there is no such group. */
export function gidOf(group: unknown): number | null {
  if (typeof group === 'number' && Number.isInteger(group)) return group;
  return groupByName(pyStr(group))?.gid ?? null;
}

/** The user name owning a uid (the uid as text when it has no name). */
export function userName(uid: number): string {
  return passwdByUid(uid)?.name ?? String(uid);
}

/** The group name of a gid (the gid as text when it has no name). */
export function groupName(gid: number): string {
  return groupByGid(gid)?.name ?? String(gid);
}

/**
 * Salt's `_check_user`: the "User x is not available " / "Group y is not available" text, or ''
 * (always '' in test mode, where Salt only warns).
 */
export function checkUser(user: unknown, group: unknown, test: boolean): string {
  let err = '';
  if (user !== null && user !== undefined && user !== '' && uidOf(user) === null) err += `User ${pyStr(user)} is not available `;
  if (group !== null && group !== undefined && group !== '' && gidOf(group) === null) err += `Group ${pyStr(group)} is not available`;
  return test ? '' : err;
}

/** True when the wanted owner (name or id) differs from the one a file has. */
export function ownerDiffers(want: unknown, uid: number, kind: 'user' | 'group'): boolean {
  if (want === null || want === undefined || want === '') return false;
  const id = kind === 'user' ? uidOf(want) : gidOf(want);
  return id !== uid;
}
