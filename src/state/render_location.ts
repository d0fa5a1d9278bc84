/**
 * Where an SLS failed to render: the file, the line and, when it can be told, the state ID.
 * Salt's error strings often give no line (its issues #39908, #21298); salt-ts keeps those
 * strings byte-identical in the `errors` return and reports the location in a log line instead.
 */

/** The location of a render failure. */
export interface RenderFailureLocation {
  /** The SLS file: its local path when the file client has one, else its path in its environment. */
  file: string;
  line?: number;
  /** The state ID whose declaration holds the failing line, when the line is in the SLS itself. */
  id?: string;
}

const TOP_LEVEL_KEY = /^(?!\{[%#{]|#|-|include\s*:|extend\s*:|exclude\s*:)(?:'([^']+)'|"([^"]+)"|([^\s:][^:]*?))\s*:(?:\s|$)/;

/**
 * The state ID a line of an SLS text belongs to: the nearest top-level key at or above it
 * (`include`, `extend`, `exclude` and Jinja lines are not IDs). Undefined when there is none.
 */
export function stateIdAtLine(text: string, line: number): string | undefined {
  const lines = text.split(/\r\n|\n|\r/);
  for (let i = Math.min(line, lines.length) - 1; i >= 0; i--) {
    const m = TOP_LEVEL_KEY.exec(lines[i]);
    if (m) return (m[1] ?? m[2] ?? m[3]).trim();
  }
  return undefined;
}

/**
 * Where a render error happened: the error's `line` (set by the renderers) and `file` (the file
 * the line is in, when it is not the SLS itself, e.g. an imported macro file).
 */
export function renderFailureLocation(err: unknown, sls: { source: string; text: string; path?: string }): RenderFailureLocation {
  const e = (err ?? {}) as { line?: unknown; file?: unknown };
  const line = typeof e.line === 'number' && e.line > 0 ? e.line : undefined;
  const inOtherFile = typeof e.file === 'string' && e.file !== sls.source && e.file !== sls.path;
  const file = inOtherFile ? (e.file as string) : sls.path?.startsWith('/') ? sls.path : sls.source;
  const id = line !== undefined && !inOtherFile ? stateIdAtLine(sls.text, line) : undefined;
  return { file, ...(line !== undefined ? { line } : {}), ...(id !== undefined ? { id } : {}) };
}

/** The log text: `(file /srv/salt/x.sls, line 4, state ID foo)`, leaving out what is unknown. */
export function formatRenderLocation(loc: RenderFailureLocation): string {
  const parts = [`file ${loc.file}`];
  if (loc.line !== undefined) parts.push(`line ${loc.line}`);
  if (loc.id !== undefined) parts.push(`state ID ${loc.id}`);
  return `(${parts.join(', ')})`;
}
