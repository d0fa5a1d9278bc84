/** Shapes shared by the renderer pipeline and the renderers. */
import type { SaltCaller } from '../loader/types.js';

/** Reads a file of a fileserver environment: its text, or null/undefined when it does not exist. */
export type FileLookup = (saltenv: string, relPath: string) => Promise<string | null | undefined> | string | null | undefined;

/** What templates see besides the file location: Salt's `__salt__`, `__grains__`, `__pillar__`, `__opts__`. */
export interface RenderContext {
  salt: SaltCaller;
  grains: Record<string, unknown>;
  pillar: Record<string, unknown>;
  opts: Record<string, unknown>;
}

/** What one renderer of a pipe receives besides its input. */
export interface RendererCall {
  saltenv: string;
  sls: string;
  /** Text after the renderer's name in the pipe (`#!jinja -s` → `-s`). */
  argline: string;
  /** The file's path relative to its environment's root (e.g. `web/nginx/conf.sls`). */
  path: string;
  /** The absolute path Salt would read it from: `<cachedir>/files/<saltenv>/<path>`. */
  tmplpath: string;
  context: RenderContext;
  lookup: FileLookup;
  /** More template variables (`file.managed`'s `defaults`/`context`, `source`, `name` ...). */
  extra?: Record<string, unknown>;
}

/**
 * A renderer: turns text (or the previous renderer's data) into text or data.
 * Renderers that need text throw RendererInputError when given data.
 */
export type Renderer = (input: unknown, call: RendererCall) => Promise<unknown>;

/** Renderers by name (Salt's `renderers` loader dict). */
export type RendererRegistry = ReadonlyMap<string, Renderer>;
