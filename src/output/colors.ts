/**
 * Terminal colours as Salt's outputters write them (`salt.utils.color.get_colors`).
 */

/** The colour names Salt's outputters use, each mapped to its escape sequence ("" when colour is off). */
export interface Colors {
  BLACK: string;
  DARK_GRAY: string;
  RED: string;
  LIGHT_RED: string;
  GREEN: string;
  LIGHT_GREEN: string;
  YELLOW: string;
  LIGHT_YELLOW: string;
  BLUE: string;
  LIGHT_BLUE: string;
  MAGENTA: string;
  LIGHT_MAGENTA: string;
  CYAN: string;
  LIGHT_CYAN: string;
  LIGHT_GRAY: string;
  WHITE: string;
  DEFAULT_COLOR: string;
  ENDC: string;
}

const CODES: Record<keyof Colors, string> = {
  BLACK: '30',
  DARK_GRAY: '1;30',
  RED: '31',
  LIGHT_RED: '1;31',
  GREEN: '32',
  LIGHT_GREEN: '1;32',
  YELLOW: '33',
  LIGHT_YELLOW: '1;33',
  BLUE: '34',
  LIGHT_BLUE: '1;34',
  MAGENTA: '35',
  LIGHT_MAGENTA: '1;35',
  CYAN: '36',
  LIGHT_CYAN: '1;36',
  LIGHT_GRAY: '37',
  WHITE: '1;37',
  DEFAULT_COLOR: '39',
  ENDC: '0',
};

/**
 * The colour table for the `color` option: true → escape sequences, false/absent → all "".
 * A colour name (e.g. "RED") paints everything but ENDC in that colour, as Salt does.
 */
export function getColors(use: unknown): Colors {
  const colors = {} as Colors;
  for (const [name, code] of Object.entries(CODES) as [keyof Colors, string][]) {
    colors[name] = use ? `\x1b[0;${code}m` : '';
  }
  if (typeof use === 'string' && use in CODES) {
    const painted = colors[use as keyof Colors];
    for (const name of Object.keys(CODES) as (keyof Colors)[]) {
      if (name !== 'ENDC') colors[name] = painted;
    }
  }
  return colors;
}

/** Salt's `strip_esc_sequence`: every ESC becomes `?`, so data cannot drive the terminal. */
export function stripEscSequence(text: string): string {
  return text.replaceAll('\x1b', '?');
}

/** Salt's `string_format` post-processing: removes every `ESC[...m` colour sequence. */
export function stripColorCodes(text: string): string {
  return text.replace(/\x1b[^m]*m/g, '');
}
