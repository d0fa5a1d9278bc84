/** The failures grains loading reports by throwing. */

/**
 * A grains option has the wrong type, e.g. `grains_blacklist: 5`. The message names the
 * option, what was expected and what was given.
 */
export class GrainsConfigError extends Error {
  override readonly name = 'GrainsConfigError';
  readonly code = 'EGRAINSCONFIG';
  readonly option: string;

  constructor(option: string, expected: string, got: unknown) {
    super(`Cannot load grains as '${option}' must be ${expected}: got ${JSON.stringify(got) ?? String(got)}`);
    this.option = option;
  }
}

/**
 * A custom grains module cannot be used: it does not import, or its default export is not an
 * object of functions. Loading logs this error and goes on without the module.
 */
export class CustomGrainsModuleError extends Error {
  override readonly name = 'CustomGrainsModuleError';
  readonly code = 'ECUSTOMGRAINS';
  readonly file: string;

  constructor(file: string, problem: string, options?: { cause?: unknown }) {
    super(`Cannot load the custom grains module ${file}: ${problem}`, options);
    this.file = file;
  }
}
