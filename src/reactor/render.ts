/**
 * Turns the reaction SLS files of an event into low chunks, as Salt's reactor `Compiler` does:
 * each file (a local path, a glob, or a `salt://` URL of the master's `file_roots`) is rendered
 * with `tag` and `data` in the template context, its `mod.fun` keys are split (`local.cmd.run`
 * → state `local`, fun `cmd.run`), the files' IDs are merged, verified, compiled and ordered, and
 * the legacy `cmd` reaction type becomes `local`.
 */
import { readFileSync } from 'node:fs';
import { globSync } from '../config/glob.js';
import { defaultRenderers, renderPipeFor } from '../render/pipeline.js';
import type { RenderContext } from '../render/types.js';
import { compileHighData, verifyHigh } from '../state/compile.js';
import { LocalFileClient, type FileRoots } from '../state/file_client_local.js';
import type { HighData, LowChunk } from '../state/types.js';
import { ReactionRenderError } from './errors.js';

type Dict = Record<string, unknown>;

/** Reaction types renamed for backward compatibility (Salt's `Reactor.aliases`). */
const ALIASES: Record<string, string> = { cmd: 'local' };

function isDict(v: unknown): v is Dict {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !Buffer.isBuffer(v);
}

/**
 * Python's `glob.glob` for an absolute or relative pattern (src/config/glob.ts): matches segment
 * by segment, `*` and `?` never match a leading dot. Sorted. A pattern without wildcards gives
 * itself when the path exists.
 */
export function globPaths(pattern: string): string[] {
  return [...new Set(globSync(pattern))].sort();
}

/**
 * The local files a reactor entry names: a `salt://` URL resolved in the `base` environment of
 * `file_roots` (Salt's `cp.cache_file` with `file_client: local`), else a filesystem glob.
 */
export async function reactionFiles(ref: string, fileRoots: FileRoots = {}): Promise<string[]> {
  if (ref.startsWith('salt://')) {
    const rest = ref.slice('salt://'.length);
    const q = rest.indexOf('?saltenv=');
    const [path, saltenv] = q >= 0 ? [rest.slice(0, q), rest.slice(q + 9)] : [rest, 'base'];
    const found = await new LocalFileClient(fileRoots).getFile(saltenv, path);
    return found ? [found.path] : [];
  }
  return globPaths(ref);
}

/**
 * Salt's `Compiler.pad_funcs`: `id: mod.fun` → `{mod: [fun]}`, and `mod.fun: [...]` →
 * `mod: [..., fun]` where `fun` keeps its own dots (`local.cmd.run` → `local` + `cmd.run`).
 * Only list values are split; a second declaration of the same module is left as it is
 * (verification then reports it).
 */
export function padFuncs(high: Dict): HighData {
  for (const [name, body] of Object.entries(high)) {
    if (name.startsWith('__')) continue;
    if (typeof body === 'string') {
      const dot = body.indexOf('.');
      if (dot > 0) high[name] = { [body.slice(0, dot)]: [body.slice(dot + 1)] };
      continue;
    }
    if (!isDict(body)) continue;
    const seen = new Set<string>();
    for (const key of Object.keys(body).sort()) {
      if (key.startsWith('_') || !Array.isArray(body[key])) continue;
      const dot = key.indexOf('.');
      if (dot <= 0) {
        seen.add(key);
        continue;
      }
      const mod = key.slice(0, dot);
      if (seen.has(mod)) continue;
      const run = body[key] as unknown[];
      delete body[key];
      run.push(key.slice(dot + 1));
      body[mod] = run;
      seen.add(mod);
    }
  }
  return high as HighData;
}

/** What rendering a reaction needs besides the file: the template context of the master minion. */
export interface ReactionRenderContext extends RenderContext {
  /** Extra template variables (`tag` and `data` are added per event). */
  extra?: Dict;
}

/**
 * Renders one reaction file with `tag` and `data` in the template context (the master's
 * `renderer` pipe, `jinja|yaml` by default). An empty file renders to `{}`.
 * @throws ReactionRenderError when the file cannot be read, a renderer fails, or the result is
 *   not a mapping.
 */
export async function renderReaction(file: string, tag: string, data: Dict, ctx: ReactionRenderContext): Promise<Dict> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new ReactionRenderError(`Can not render SLS ${file} for tag ${tag}: ${(err as Error).message}`, { cause: err });
  }
  if (!text.trim()) return {};
  const opts = ctx.opts ?? {};
  const renderers = defaultRenderers();
  const names = (v: unknown): string[] => (Array.isArray(v) ? v.map(String) : []);
  let out: unknown = text;
  try {
    const pipe = renderPipeFor(text, typeof opts.renderer === 'string' ? opts.renderer : 'jinja|yaml', renderers, names(opts.renderer_blacklist), names(opts.renderer_whitelist));
    for (const step of pipe) {
      out = await step.renderer(out, {
        saltenv: 'base',
        sls: '',
        argline: step.argline,
        path: file,
        tmplpath: file,
        context: ctx,
        lookup: () => undefined,
        extra: { ...(ctx.extra ?? {}), tag, data },
      });
    }
  } catch (err) {
    throw new ReactionRenderError(`Failed to render "${file}": ${(err as Error).message}`, { cause: err });
  }
  if (out === null || out === undefined || out === '') return {};
  if (!isDict(out)) throw new ReactionRenderError(`Failed to render "${file}": it must render to a mapping of IDs, got ${Array.isArray(out) ? 'a list' : typeof out}`);
  return out;
}

/** The outcome of compiling an event's reactions. */
export interface CompiledReactions {
  chunks: LowChunk[];
  /** Render and verification errors; with verification errors there are no chunks (Salt's rule). */
  errors: string[];
}

/**
 * Salt's `Reactor.reactions`: renders every file of every reactor entry, merges their IDs (a
 * later file's ID replaces an earlier one), verifies the result and compiles it to ordered low
 * chunks with aliases resolved. Files that fail to render are reported in `errors` and skipped;
 * a verification error drops every reaction of the event.
 */
export async function compileReactions(refs: readonly string[], tag: string, data: Dict, ctx: ReactionRenderContext, fileRoots?: FileRoots): Promise<CompiledReactions> {
  const high: Dict = {};
  const errors: string[] = [];
  for (const ref of refs) {
    const files = await reactionFiles(ref, fileRoots);
    if (!files.length) errors.push(`Can not render SLS ${ref} for tag ${tag}. File missing or not found.`);
    for (const file of files) {
      try {
        const res = padFuncs(await renderReaction(file, tag, data, ctx));
        for (const [id, body] of Object.entries(res)) {
          if (isDict(body)) body.__sls__ = file;
          high[id] = body;
        }
      } catch (err) {
        errors.push((err as Error).message);
      }
    }
  }
  if (!Object.keys(high).length) return { chunks: [], errors };
  const verify = verifyHigh(high);
  if (verify.length) {
    errors.push(`Unable to render reactions for event ${tag} due to errors (${verify.join('; ')}) in one or more of the sls files (${refs.join(', ')})`);
    return { chunks: [], errors };
  }
  const chunks = compileHighData(high as HighData);
  for (const c of chunks) c.state = ALIASES[c.state] ?? c.state;
  return { chunks, errors };
}
