/**
 * The shapes the state system passes around: high data, low chunks, state results, and the
 * file client the compiler reads SLS files through.
 */

/** Rendered and normalised SLS data: `{id: {module: [args..., fun, {order}], __sls__, __env__}}`. */
export type HighData = Record<string, any>;

/** One compiled state call (Salt's "low chunk"). */
export interface LowChunk {
  state: string;
  name: string;
  fun: string;
  __id__: string;
  __sls__?: string;
  __env__?: string;
  order?: number | string;
  [key: string]: any;
}

/** What a state function returns, and what a run reports per state. */
export interface StateResult {
  name?: unknown;
  changes: Record<string, unknown>;
  result: boolean | null;
  comment: unknown;
  __sls__?: string | null;
  __run_num__?: number;
  __id__?: string;
  start_time?: string;
  duration?: unknown;
  [key: string]: unknown;
}

/** The run's results by state tag (`mod_|-id_|-name_|-fun`), in execution order. */
export type StateReturn = Record<string, StateResult>;

/** A file the file client found: where it is readable on this machine and its bytes. */
export interface FetchedFile {
  /** The local path (the file itself for `file_client: local`, a cached copy otherwise). */
  path: string;
  data: Buffer;
}

/** Where SLS files, templates and `salt://` sources come from. */
export interface FileClient {
  /** The fileserver environments, `base` first. */
  envs(): Promise<string[]>;
  /** Every file of an environment, relative paths with `/`, sorted. */
  listFiles(saltenv: string): Promise<string[]>;
  /** One file of an environment by relative path (a `salt://` URL's path), or null when absent. */
  getFile(saltenv: string, path: string): Promise<FetchedFile | null>;
}

/** What a renderer pipeline is given for one SLS (or top) file. */
export interface RenderSlsArgs {
  sls: string;
  saltenv: string;
  source: { path: string; text: string };
  /** Finds other files of the fileserver (Jinja imports): text, or undefined when absent. */
  lookup: (saltenv: string, path: string) => Promise<string | undefined> | string | undefined;
  context: Record<string, unknown>;
}

/** Renders one SLS file's text to high data (or throws a render error). */
export type SlsRenderer = (args: RenderSlsArgs) => Promise<unknown> | unknown;
