/**
 * Salt's `json` renderer: drops a first `#!` line, gives `{}` for blank text, else Python's
 * `json.loads` (its JSONDecodeError is not wrapped by Salt).
 */
import { pyJsonLoads } from '../py_json.js';
import type { Renderer } from '../types.js';
import { requireText } from './input.js';

export const jsonRenderer: Renderer = async (input) => {
  let text = requireText(input);
  if (text.startsWith('#!')) text = text.slice(text.indexOf('\n') + 1);
  if (!text.trim()) return {};
  return pyJsonLoads(text);
};
