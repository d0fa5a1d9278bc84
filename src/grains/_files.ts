/** Small async file helpers for grains: every failure is "not there" (null/false). */
import { access, readFile, readlink, stat } from 'node:fs/promises';

/** The text of `path`, or null when it cannot be read. */
export async function readText(path: string): Promise<string | null> {
  try {
    return await readFile(path, 'utf8');
  } catch {
    return null;
  }
}

/** True when `path` exists (any type; Python's `os.path.exists`). */
export async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}

/** True when `path` is a directory. */
export async function isDir(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory();
  } catch {
    return false;
  }
}

/** True when `path` is a regular file. */
export async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}

/** The target of the symlink `path`, or `path` itself when it is not a link (Salt's `readlink`). */
export async function readLink(path: string): Promise<string> {
  try {
    return await readlink(path);
  } catch {
    return path;
  }
}
