/** Path checks as Python's `os.path.isfile` / `os.path.isdir` make them. */
import { statSync } from 'node:fs';

/** True when `path` is a regular file (symlinks followed); false when missing or unreadable. */
export function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/** True when `path` is a directory (symlinks followed); false when missing or unreadable. */
export function isDir(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}
