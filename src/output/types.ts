/**
 * Types shared by the outputters.
 */

/**
 * The opts that matter to the outputters (Salt's master/minion opts of the same names).
 * Absent keys stay absent: several outputters behave differently for "absent" and "null".
 */
export interface OutputOpts {
  color?: boolean | string;
  color_theme?: string;
  output_indent?: number | string | null;
  nested_indent?: number;
  strip_colors?: boolean;
  transport?: string;
  state_output?: string;
  state_verbose?: boolean;
  state_output_diff?: boolean;
  state_output_profile?: boolean;
  state_tabular?: boolean | string;
  state_output_pct?: boolean;
  state_compress_ids?: boolean;
  state_output_exclude?: string | string[];
  state_output_terse?: string | string[];
  [k: string]: unknown;
}

/** What every outputter receives besides the data: the opts (with the kwargs merged in) and the kwargs. */
export interface OutputContext {
  opts: OutputOpts;
  kwargs: Record<string, unknown>;
}

/**
 * One outputter: returns its text (not yet right-stripped), or null to print nothing.
 * Throws OutputDataError when the data has a shape it cannot print (Salt then falls back).
 */
export type Outputter = (data: unknown, ctx: OutputContext) => string | null;
