/**
 * Salt's `jinja` renderer (salt/renderers/jinja.py + salt.utils.templates.render_jinja_tmpl):
 * builds the template context (`salt`, `grains`, `pillar`, `opts`, `saltenv`, `sls` and the
 * location variables `tplfile`, `tpldir`, `tpldot`, `slspath`, ...), sets up the environment from
 * `jinja_sls_env`/`jinja_env` and `allow_undefined`, resolves imports/includes in the fileserver
 * environment (relative names against `tpldir`), renders, restores the final newline Jinja drops,
 * and turns template errors into SaltRenderError with Salt's wording and line context.
 */
import { posix } from 'node:path';
import { isPlainObject } from '../../output/python.js';
import { getContext, SaltRenderError } from '../errors.js';
import { Environment, STRING_TEMPLATE, type TemplateLoader } from '../jinja/environment.js';
import { JinjaError, TemplateRuntimeError, TemplateSyntaxError, UndefinedError, type TemplateFrame } from '../jinja/errors.js';
import { SaltProxy, kwargsOf, type Kwargs } from '../jinja/runtime.js';
import { isTuple } from '../jinja/values.js';
import type { FileLookup, RenderContext, Renderer, RendererCall } from '../types.js';
import { requireText } from './input.js';

/** Salt's generate_sls_context: the location variables of a template. */
export function slsContext(tmplpath: string, sls: string): Record<string, string> {
  let slspath = sls.replace(/\./g, '/');
  let template = tmplpath.replace(/\\/g, '/');
  if (!sls) template = template.slice(template.lastIndexOf('/') + 1);
  else if (template.endsWith(`${slspath}.sls`)) template = template.slice(-(4 + slspath.length));
  else if (template.endsWith(`${slspath}/init.sls`)) template = template.slice(-(9 + slspath.length));
  slspath = template.includes('/') ? template.slice(0, template.lastIndexOf('/')) : '';
  return {
    tplpath: tmplpath,
    tplfile: template,
    tpldir: slspath || '.',
    tpldot: slspath.replace(/\//g, '.'),
    slspath,
    slsdotpath: slspath.replace(/\//g, '.'),
    slscolonpath: slspath.replace(/\//g, ':'),
    sls_path: slspath.replace(/\//g, '_'),
  };
}

/** Where Salt's file client caches a fileserver file (what Jinja errors name). */
export function cachedPath(opts: Record<string, unknown>, saltenv: string, relPath: string): string {
  const cachedir = typeof opts.cachedir === 'string' ? opts.cachedir : '/var/cache/salt/minion';
  return posix.join(cachedir, 'files', saltenv, relPath);
}

/** Template values → plain data for a Salt function (Maps with text keys become objects). */
function toCallData(v: unknown): unknown {
  if (Array.isArray(v)) {
    const out = v.map(toCallData);
    return isTuple(v) ? out : out;
  }
  if (v instanceof Map) {
    if ([...v.keys()].every((k) => typeof k === 'string')) {
      const obj: Record<string, unknown> = {};
      for (const [k, val] of v) Object.defineProperty(obj, k as string, { value: toCallData(val), enumerable: true, writable: true, configurable: true });
      return obj;
    }
    return new Map([...v].map(([k, val]) => [k, toCallData(val)]));
  }
  if (isPlainObject(v)) {
    const obj: Record<string, unknown> = {};
    for (const [k, val] of Object.entries(v)) Object.defineProperty(obj, k, { value: toCallData(val), enumerable: true, writable: true, configurable: true });
    return obj;
  }
  return v;
}

function saltProxy(context: RenderContext): SaltProxy {
  return new SaltProxy(async (fun: string, args: unknown[], kwargs: Kwargs) => {
    if (typeof context.salt !== 'function') {
      const err = new Error(`'${fun}' is not available.`);
      err.name = 'CommandExecutionError';
      throw err;
    }
    return context.salt(fun, args.map(toCallData), toCallData(kwargsOf(Object.entries(kwargs))) as Record<string, unknown>);
  });
}

function envOptions(opts: Record<string, unknown>, sls: string): { trimBlocks: boolean; lstripBlocks: boolean } {
  const pick = (v: unknown) => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {});
  const chosen = sls ? pick(opts.jinja_sls_env) : pick(opts.jinja_env);
  const lower = Object.fromEntries(Object.entries(chosen).map(([k, v]) => [k.toLowerCase(), v]));
  return {
    trimBlocks: Boolean(lower.trim_blocks ?? opts.jinja_trim_blocks ?? false),
    lstripBlocks: Boolean(lower.lstrip_blocks ?? opts.jinja_lstrip_blocks ?? false),
  };
}

/**
 * Salt's SaltCacheLoader.get_source: names starting with `./` or `../` are relative to the
 * environment's current `tpldir`; loading a template updates `tplfile`/`tpldir`/`tpldot`.
 */
function cacheLoader(saltenv: string, lookup: FileLookup, opts: Record<string, unknown>, sources: Map<string, string>): TemplateLoader {
  return async (env, name) => {
    const relative = ['.', '..'].includes(name.split('/', 1)[0]!);
    let path = name;
    if (relative) {
      const base = env.globals.get('tpldir');
      if (typeof base !== 'string') return null;
      path = posix.normalize(`${base}/${name}`);
      if (path.split('/', 1)[0] === '..') return null;
    }
    const text = await lookup(saltenv, path);
    const tpldir = posix.dirname(path) === '.' ? '' : posix.dirname(path);
    env.globals.set('tplfile', relative ? name : path);
    if (!relative) env.globals.set('tpldir', tpldir || '.');
    env.globals.set('tpldot', (relative ? String(env.globals.get('tpldir')) : tpldir).replace(/\//g, '.'));
    if (text === null || text === undefined) return null;
    const filename = cachedPath(opts, saltenv, path);
    sources.set(filename, text);
    return { source: text, filename };
  };
}

function tracebackText(err: unknown, frames: TemplateFrame[]): string {
  const lines = ['Traceback (most recent call last):'];
  frames.forEach((f, i) => lines.push(`  File "${f.filename}", line ${f.lineno}, in ${i === 0 ? 'top-level template code' : 'template'}`));
  const qual = err instanceof JinjaError ? err.pyQualName : 'Exception';
  const msg = err instanceof Error ? err.message : String(err);
  lines.push(msg ? `${qual}: ${msg}` : qual);
  return lines.join('\n') + '\n';
}

/**
 * Salt's _get_jinja_error: the innermost template frame gives the line; when it is another file
 * than the SLS (an imported macro, an included template), the message names that file and shows
 * its context instead, and no line is given.
 */
function jinjaErrorLocation(frames: TemplateFrame[], sls: string, sources: Map<string, string>): { line: number; out: string } {
  const slug = frames[frames.length - 1];
  if (!slug) return { line: 0, out: '' };
  const filen = sls.replace(/\./g, '/');
  const isFile = slug.filename !== STRING_TEMPLATE && slug.filename !== '<unknown>' && sources.has(slug.filename);
  if (isFile && !slug.filename.endsWith(filen)) {
    const out = `\n${slug.filename}(${slug.lineno}):\n` + getContext(sources.get(slug.filename)!, slug.lineno);
    return { line: 0, out };
  }
  return { line: slug.lineno, out: '' };
}

function isSaltFunctionError(err: unknown): boolean {
  return err instanceof Error && (err.name === 'SaltInvocationError' || err.name === 'CommandExecutionError');
}

/**
 * Renders Jinja template text the way Salt's jinja renderer does.
 * @throws SaltRenderError for any template error (Salt's message text; `line` set when known).
 */
export async function renderJinjaText(text: string, call: RendererCall): Promise<string> {
  const { context, saltenv, sls } = call;
  if (call.argline && call.argline !== '-s') throw new SaltRenderError(`Unknown renderer option: ${call.argline}`);
  const opts = context.opts ?? {};
  const sources = new Map<string, string>();
  const env = new Environment({
    strictUndefined: !opts.allow_undefined,
    ...envOptions(opts, sls),
    loader: cacheLoader(saltenv, call.lookup, opts, sources),
  });
  const vars = new Map<string, unknown>([
    ['salt', saltProxy(context)],
    ['grains', context.grains ?? {}],
    ['opts', opts],
    ['pillar', context.pillar ?? {}],
    ['saltenv', saltenv],
    ['sls', sls],
    ...Object.entries(slsContext(call.tmplpath, sls)),
    ...Object.entries(call.extra ?? {}),
  ]);
  for (const [k, v] of vars) env.globals.set(k, v);
  let output: string;
  try {
    const template = env.compile(text);
    output = await env.render(template, vars);
  } catch (err) {
    throw wrapJinjaError(err, text, sls, sources);
  }
  if (text.endsWith('\n')) output += '\n';
  return output;
}

function wrapJinjaError(err: unknown, text: string, sls: string, sources: Map<string, string>): Error {
  const frames = (err as JinjaError).frames ?? [];
  const { line, out } = jinjaErrorLocation(frames, sls, sources);
  const message = err instanceof Error ? err.message : String(err);
  let wrapped: SaltRenderError;
  if (err instanceof UndefinedError) {
    wrapped = new SaltRenderError(`Jinja variable ${message}${out}`, line, line ? text : '', undefined, { cause: err });
  } else if (err instanceof TemplateSyntaxError || err instanceof TemplateRuntimeError) {
    wrapped = new SaltRenderError(`Jinja syntax error: ${message}${out}`, line, line ? text : '', undefined, { cause: err });
  } else if (isSaltFunctionError(err)) {
    wrapped = new SaltRenderError(`Problem running salt function in Jinja template: ${message}${out}`, line, line ? text : '', undefined, { cause: err });
  } else {
    const trace = tracebackText(err, frames);
    wrapped = new SaltRenderError(`Jinja error: ${message}${out}`, line, line ? `${text}\n${trace}` : '', trace, { cause: err });
  }
  return wrapped;
}

export const jinjaRenderer: Renderer = async (input, call) => renderJinjaText(requireText(input), call);

