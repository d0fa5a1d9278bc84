/**
 * Salt's `yaml` renderer: YAML 1.1 with Salt's loader rules (src/yaml/salt_yaml.ts); a falsy result
 * (empty document, `[]`, `''`, `0`) gives `{}`. Errors are reported as Salt does: a scanner error by
 * its problem text alone, parser and constructor errors as PyYAML prints them (wrapped in
 * SaltRenderError), a ComposerError (several documents) unwrapped.
 */
import { formatPyYamlError, loadSaltYaml, SaltYamlError } from '../../yaml/salt_yaml.js';
import { SaltRenderError, YamlComposerError } from '../errors.js';
import { truthy } from '../jinja/values.js';
import type { Renderer } from '../types.js';
import { orderedDicts, requireText } from './input.js';

/** Loads SLS YAML text. @throws SaltRenderError, YamlComposerError. */
export function renderYamlText(text: string): unknown {
  let data: unknown;
  try {
    data = loadSaltYaml(text);
  } catch (err) {
    if (!(err instanceof SaltYamlError)) throw err;
    const info = err.pyyaml;
    if (info.kind === 'ScannerError') {
      const e = new SaltRenderError(info.problem, undefined, '', undefined, { cause: err });
      e.line = info.problemMark?.line;
      throw e;
    }
    if (info.kind === 'ComposerError') {
      const e = new YamlComposerError(formatPyYamlError(info), { cause: err });
      e.line = info.problemMark?.line;
      throw e;
    }
    const e = new SaltRenderError(formatPyYamlError(info), undefined, '', undefined, { cause: err });
    e.line = info.problemMark?.line;
    throw e;
  }
  if (!truthy(data)) return {};
  markOrdered(data);
  return data;
}

function markOrdered(v: unknown): void {
  if (v === null || typeof v !== 'object' || Buffer.isBuffer(v)) return;
  if (Array.isArray(v)) return v.forEach(markOrdered);
  orderedDicts.add(v);
  for (const child of v instanceof Map ? v.values() : Object.values(v)) markOrdered(child);
}

export const yamlRenderer: Renderer = async (input) => renderYamlText(requireText(input));
