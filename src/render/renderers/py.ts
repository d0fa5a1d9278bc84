/**
 * Salt's `py` renderer runs the SLS file as Python (`def run(): ...`). salt-ts cannot execute
 * Python, so the renderer exists (a `#!py` SLS is not silently empty) but always fails.
 */
import { UnsupportedRendererError } from '../errors.js';
import type { Renderer } from '../types.js';

export const pyRenderer: Renderer = async (_input, call) => {
  throw new UnsupportedRendererError(`the 'py' renderer (Python SLS files) is not supported by salt-ts: ${call.path}`);
};
