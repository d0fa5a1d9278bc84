/**
 * Custom grain modules: `.js`/`.mjs`/`.cjs` files (and `.ts`/`.mts` under a TypeScript loader)
 * whose default export is an object of grain functions. See docs/custom-modules.md, "Custom grains".
 *
 * They are searched, like Salt's `_grains`, in `<module_dirs entry>/grains` (or `/_grains`),
 * then `<extension_modules>/grains`, then every `grains_dirs` directory. Within a directory
 * files are taken in name order; a file whose name starts with `_` is private and skipped; the
 * first file found for a module name wins, and it hides a built-in module of the same name.
 */
import { readdir, stat } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Logger } from '../log/logger.js';
import { isDir } from './_files.js';
import { CustomGrainsModuleError } from './errors.js';
import type { GrainFunction, GrainModule } from './types.js';

const MODULE_EXTENSIONS = new Set(['.js', '.mjs', '.cjs', '.ts', '.mts']);

function stringList(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

/** The directories searched for custom grain modules, in priority order. */
export async function customGrainsDirs(opts: Readonly<Record<string, unknown>>): Promise<string[]> {
  const cliDirs: string[] = [];
  for (const dir of stringList(opts.module_dirs)) {
    for (const sub of ['grains', '_grains']) {
      if (await isDir(join(dir, sub))) {
        cliDirs.unshift(join(dir, sub));
        break;
      }
    }
  }
  const ext = typeof opts.extension_modules === 'string' && opts.extension_modules ? [join(opts.extension_modules, 'grains')] : [];
  return [...cliDirs, ...ext, ...stringList(opts.grains_dirs)];
}

/** Module name → file, first found wins, in discovery order. */
export async function findCustomGrainFiles(dirs: readonly string[]): Promise<Map<string, string>> {
  const found = new Map<string, string>();
  for (const dir of dirs) {
    let entries: string[];
    try {
      entries = (await readdir(dir)).sort();
    } catch {
      continue;
    }
    for (const entry of entries) {
      const ext = extname(entry);
      if (!MODULE_EXTENSIONS.has(ext) || entry.startsWith('_') || entry.endsWith('.d.ts')) continue;
      const name = entry.slice(0, -ext.length);
      if (!found.has(name)) found.set(name, join(dir, entry));
    }
  }
  return found;
}

/**
 * Imports one custom module and checks its shape. The file's modification time is part of the
 * import URL so that a changed module is read again on the next load.
 * @throws CustomGrainsModuleError when it does not import or exports no object of functions.
 */
export async function importCustomGrainModule(name: string, file: string): Promise<GrainModule> {
  let exported: unknown;
  try {
    const { mtimeMs } = await stat(file);
    const mod = (await import(`${pathToFileURL(file).href}?mtime=${mtimeMs}`)) as { default?: unknown };
    exported = mod.default;
  } catch (err) {
    throw new CustomGrainsModuleError(file, `it does not import (${(err as Error).message})`, { cause: err });
  }
  if (typeof exported !== 'object' || exported === null || Array.isArray(exported)) {
    throw new CustomGrainsModuleError(file, `its default export must be an object of grain functions, got ${exported === null ? 'null' : typeof exported}`);
  }
  const functions: Record<string, GrainFunction> = {};
  let virtual: GrainModule['virtual'];
  for (const [key, value] of Object.entries(exported)) {
    if (typeof value !== 'function') continue;
    if (key === '__virtual__') virtual = value as GrainModule['virtual'];
    else if (!key.startsWith('_')) functions[key] = value as GrainFunction;
  }
  return { name, functions, virtual, source: file };
}

/** Every usable custom grain module for these options; broken ones are logged and left out. */
export async function loadCustomGrainModules(opts: Readonly<Record<string, unknown>>, log: Logger): Promise<GrainModule[]> {
  const files = await findCustomGrainFiles(await customGrainsDirs(opts));
  const loaded = await Promise.all(
    [...files].map(async ([name, file]) => {
      try {
        return await importCustomGrainModule(name, file);
      } catch (err) {
        log.error((err as Error).message);
        return null;
      }
    }),
  );
  return loaded.filter((m): m is GrainModule => m !== null);
}
