/**
 * Reads one config file into options (Salt's `_read_conf_file`), keeping where each option was set.
 */
import { readFileSync } from 'node:fs';
import { pyFloatRepr } from '../protocol/pytypes.js';
import { parseConfigYaml, type ParsedConfigFile } from './config_yaml.js';
import { ConfigError } from './errors.js';

/** Python's `str()` of a scalar config value, used for a non-string `id` (`id: 1234`). */
export function pyStr(value: unknown): string {
  if (value === null || value === undefined) return 'None';
  if (value === true) return 'True';
  if (value === false) return 'False';
  if (typeof value === 'number') return Number.isInteger(value) ? String(value) : pyFloatRepr(value);
  if (typeof value === 'string') return value;
  return String(value);
}

/**
 * Reads and parses config file `path`. A non-string `id` becomes its Python `str()`, as in Salt.
 * @throws ConfigError when the file cannot be read or is not valid YAML holding a mapping.
 */
export function readConfFile(path: string): ParsedConfigFile {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    const reason = (err as NodeJS.ErrnoException).code ?? String(err);
    throw new ConfigError(`cannot read config file ${path}: ${reason}`, { file: path, cause: err });
  }
  const parsed = parseConfigYaml(text, path);
  if (Object.hasOwn(parsed.data, 'id') && typeof parsed.data.id !== 'string') {
    parsed.data.id = pyStr(parsed.data.id);
  }
  return parsed;
}
