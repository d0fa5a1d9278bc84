/**
 * Python's `OSError` family for failures of file system calls, so an error Salt lets escape
 * reads the same in the minion's traceback: `FileNotFoundError: [Errno 2] No such file or
 * directory: '/x'`.
 */
import { constants } from 'node:os';
import { pyRepr } from './_pyrepr.js';

/** Python's `strerror` texts (glibc) for the errors file functions meet. */
const STRERROR: Record<string, string> = {
  EPERM: 'Operation not permitted',
  ENOENT: 'No such file or directory',
  EIO: 'Input/output error',
  EBADF: 'Bad file descriptor',
  EACCES: 'Permission denied',
  EBUSY: 'Device or resource busy',
  EEXIST: 'File exists',
  EXDEV: 'Invalid cross-device link',
  ENOTDIR: 'Not a directory',
  EISDIR: 'Is a directory',
  EINVAL: 'Invalid argument',
  ENOSPC: 'No space left on device',
  EROFS: 'Read-only file system',
  EMLINK: 'Too many links',
  ENAMETOOLONG: 'File name too long',
  ENOTEMPTY: 'Directory not empty',
  ELOOP: 'Too many levels of symbolic links',
};

/** The Python subclass of OSError raised for an errno. */
const PY_CLASS: Record<string, string> = {
  ENOENT: 'FileNotFoundError',
  EEXIST: 'FileExistsError',
  EACCES: 'PermissionError',
  EPERM: 'PermissionError',
  ENOTDIR: 'NotADirectoryError',
  EISDIR: 'IsADirectoryError',
};

/** A Python `OSError` (or subclass, by errno): `[Errno N] strerror: 'path'`. */
export class PyOSError extends Error {
  override readonly name: string;
  /** The errno name, e.g. `ENOENT`. */
  readonly code: string;
  readonly errno: number;
  /** Python's `strerror`. */
  readonly strerror: string;

  constructor(code: string, filename?: string, filename2?: string) {
    const errno = (constants.errno as Record<string, number>)[code] ?? 0;
    const strerror = STRERROR[code] ?? code;
    let message = `[Errno ${errno}] ${strerror}`;
    if (filename !== undefined) message += `: ${pyRepr(filename)}`;
    if (filename2 !== undefined) message += ` -> ${pyRepr(filename2)}`;
    super(message);
    this.name = PY_CLASS[code] ?? 'OSError';
    this.code = code;
    this.errno = errno;
    this.strerror = strerror;
  }
}

/** Converts a Node fs error to the Python OSError Python raises; other errors pass through. */
export function toPyOSError(err: unknown, filename?: string, filename2?: string): unknown {
  const code = (err as NodeJS.ErrnoException)?.code;
  if (typeof code !== 'string' || !/^E[A-Z]+$/.test(code)) return err;
  return new PyOSError(code, filename ?? (err as NodeJS.ErrnoException).path, filename2 ?? (err as { dest?: string }).dest);
}
