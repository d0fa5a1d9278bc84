/** Helpers shared by renderers. */
import { RendererInputError } from '../errors.js';

/** Dicts made by the YAML renderer (Salt builds them as OrderedDicts), for Salt's error wording. */
export const orderedDicts = new WeakSet<object>();

/**
 * The text a renderer reads. Salt hands renderers a file-like object and calls `.read()`; data
 * from a previous renderer has no `.read()`.
 * @throws RendererInputError ("'<type>' object has no attribute 'read'") for non-text input.
 */
export function requireText(input: unknown): string {
  if (typeof input === 'string') return input;
  let type = 'dict';
  if (input === null || input === undefined) type = 'NoneType';
  else if (Array.isArray(input)) type = 'list';
  else if (typeof input === 'object' && orderedDicts.has(input)) type = 'collections.OrderedDict';
  else if (typeof input === 'number') type = Number.isInteger(input) ? 'int' : 'float';
  else if (typeof input === 'boolean') type = 'bool';
  throw new RendererInputError(`'${type}' object has no attribute 'read'`);
}
