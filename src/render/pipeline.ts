/**
 * Salt's template pipeline (salt.template.compile_template) for one SLS file: the renderer pipe
 * comes from a `#!` first line or `opts.renderer` (default `jinja|yaml`); each renderer gets the
 * previous one's output. Before include/extend handling, this is what `HighState.render_state`
 * does with one file.
 */
import { locate } from './errors.js';
import { cachedPath, jinjaRenderer, renderJinjaText } from './renderers/jinja.js';
import { jsonRenderer } from './renderers/json.js';
import { pyRenderer } from './renderers/py.js';
import { yamlRenderer } from './renderers/yaml.js';
import type { FileLookup, RenderContext, Renderer, RendererRegistry } from './types.js';

export type { FileLookup, RenderContext, Renderer, RendererCall, RendererRegistry } from './types.js';

/**
 * The renderers salt-ts provides: `jinja`, `yaml`, `json`, and `py` (which always fails: it would
 * run Python). Copy into a new Map to add custom renderers. There is no `text` renderer, as in Salt.
 */
export function defaultRenderers(): Map<string, Renderer> {
  return new Map<string, Renderer>([
    ['jinja', jinjaRenderer],
    ['yaml', yamlRenderer],
    ['json', jsonRenderer],
    ['py', pyRenderer],
  ]);
}

/** Salt's old combined names (`yaml_jinja` → `jinja|yaml`), kept with Salt's own typos. */
const OLD_STYLE_RENDERERS: Record<string, string> = Object.fromEntries(
  ['yaml_jinja', 'yaml_mako', 'yaml_wempy', 'json_jinja', 'json_mako', 'json_wempy', 'yamlex_jinja', 'yamlexyamlex_mako', 'yamlexyamlex_wempy'].map(
    (comb) => {
      const [fmt, tmpl] = comb.split('_');
      return [comb, `${tmpl}|${fmt}`];
    },
  ),
);

/** One step of a renderer pipe. */
export interface PipeStep {
  name: string;
  argline: string;
  renderer: Renderer;
}

function nameList(v: unknown): string[] {
  return Array.isArray(v) ? v.map(String) : [];
}

/**
 * Salt's check_render_pipe_str: splits `jinja|yaml` (parts stripped, `name argline`), skips
 * blacklisted / non-whitelisted renderers, and returns [] when any named renderer does not exist.
 */
export function parseRenderPipe(
  pipe: string,
  renderers: RendererRegistry,
  blacklist: readonly string[] = [],
  whitelist: readonly string[] = [],
): PipeStep[] {
  let parts = pipe.split('|').map((p) => p.trim());
  if (parts[0] === pipe && OLD_STYLE_RENDERERS[pipe]) parts = OLD_STYLE_RENDERERS[pipe]!.split('|');
  const steps: PipeStep[] = [];
  for (const part of parts) {
    const space = (part + ' ').indexOf(' ');
    const name = (part + ' ').slice(0, space);
    const argline = (part + ' ').slice(space + 1).trim();
    if ((whitelist.length && !whitelist.includes(name)) || (blacklist.length && blacklist.includes(name))) continue;
    const renderer = renderers.get(name);
    if (!renderer) return [];
    steps.push({ name, argline, renderer });
  }
  return steps;
}

/** The pipe for a file: its `#!` first line (not `#!/...`), else the default pipe. */
export function renderPipeFor(text: string, defaultPipe: string, renderers: RendererRegistry, blacklist: readonly string[], whitelist: readonly string[]): PipeStep[] {
  const firstLine = text.split('\n', 1)[0]!;
  if (firstLine.startsWith('#!') && !firstLine.startsWith('#!/')) {
    return parseRenderPipe(firstLine.trim().slice(2), renderers, blacklist, whitelist);
  }
  return parseRenderPipe(defaultPipe, renderers, blacklist, whitelist);
}

/** Arguments of {@link renderSls} and {@link compileTemplate}. */
export interface RenderSlsOptions {
  /** The SLS name (`web.nginx`); empty for a template that is not an SLS file. */
  sls: string;
  saltenv: string;
  /** The file: its path relative to the environment's root (`web/nginx/init.sls`) and its text. */
  source: { path: string; text: string };
  /** Reads other files of the fileserver (Jinja imports and includes). */
  lookup: FileLookup;
  context: RenderContext;
  /** Default: {@link defaultRenderers}. */
  renderers?: RendererRegistry;
}

/**
 * Renders one SLS file into its data (Salt's compile_template): an empty or blank file → `{}`;
 * an unknown renderer in the pipe → `{}`; a pipe ending in a text renderer → that text.
 * Options read: `renderer` (default `jinja|yaml`), `renderer_blacklist`, `renderer_whitelist`,
 * `cachedir`, `jinja_sls_env`, `jinja_env`, `allow_undefined`.
 * @throws SaltRenderError (Jinja and YAML errors, Salt's text), YamlComposerError,
 *   JsonDecodeError, RendererInputError, UnsupportedRendererError — each with `file`, `saltenv`
 *   and `sls` set.
 */
export async function renderSls(options: RenderSlsOptions): Promise<unknown> {
  const { sls, saltenv, source, lookup, context } = options;
  const renderers = options.renderers ?? defaultRenderers();
  const opts = context.opts ?? {};
  if (!source.text.trim()) return {};
  const pipe = renderPipeFor(
    source.text,
    typeof opts.renderer === 'string' ? opts.renderer : 'jinja|yaml',
    renderers,
    nameList(opts.renderer_blacklist),
    nameList(opts.renderer_whitelist),
  );
  const tmplpath = cachedPath(opts, saltenv, source.path);
  let data: unknown = source.text;
  try {
    for (const step of pipe) {
      data = await step.renderer(data, { saltenv, sls, argline: step.argline, path: source.path, tmplpath, context, lookup });
    }
  } catch (err) {
    throw locate(err, { file: source.path, saltenv, sls });
  }
  if (pipe.length === 0) return {};
  if (source.text.includes('\r\n') && typeof data === 'string' && !data.includes('\r\n')) data = data.replace(/\n/g, '\r\n');
  return data;
}

/** Alias of {@link renderSls} for templates that are not SLS files (`sls` may be empty). */
export const compileTemplate = renderSls;

/**
 * Finds an SLS file: `<sls with dots as slashes>.sls`, else `<...>/init.sls`.
 * @returns its path and text, or null when neither exists.
 */
export async function findSls(sls: string, saltenv: string, lookup: FileLookup): Promise<{ path: string; text: string } | null> {
  const base = sls.replace(/\./g, '/');
  for (const path of [`${base}.sls`, `${base}/init.sls`]) {
    const text = await lookup(saltenv, path);
    if (text !== null && text !== undefined) return { path, text };
  }
  return null;
}

/**
 * Renders a file template (`file.managed` with `template: jinja`): the Jinja renderer alone, with
 * the state's variables (`defaults` overlaid by `context`, `source`, `name`...) besides the usual
 * `salt`, `grains`, `pillar`, `opts` and `saltenv`.
 */
export async function renderTemplate(
  text: string,
  vars: Record<string, unknown> & { salt: RenderContext['salt']; grains?: Record<string, unknown>; pillar?: Record<string, unknown>; opts?: Record<string, unknown>; saltenv?: string },
  options: { path?: string; lookup?: FileLookup } = {},
): Promise<string> {
  const { salt, grains, pillar, opts, saltenv, ...extra } = vars;
  const env = saltenv ?? 'base';
  const path = options.path ?? '';
  return renderJinjaText(text, {
    saltenv: env,
    sls: '',
    argline: '',
    path,
    tmplpath: path,
    context: { salt, grains: grains ?? {}, pillar: pillar ?? {}, opts: opts ?? {} },
    lookup: options.lookup ?? (() => null),
    extra,
  });
}
