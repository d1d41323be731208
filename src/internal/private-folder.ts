/**
 * @module
 * {@link checkOwnFolder}: whether a folder may hold the user's private files (the launch
 * registry, the history, the root of working directories). It must be a real directory,
 * not a symbolic link (whatever a link points to is not the folder the user meant), and
 * the user's own; it is then made 0700. The check and the chmod act on one descriptor
 * opened with `O_DIRECTORY | O_NOFOLLOW`, so the folder cannot be swapped between them.
 */
import { closeSync, constants, fchmodSync, fstatSync, lstatSync, openSync } from 'node:fs';

/** Why a folder was refused: its path and the reason, in words. */
export class FolderRefused extends Error {
  /** The folder. */
  readonly path: string;

  /**
   * @param path - the folder
   * @param reason - what it is instead, e.g. `it is a symbolic link`
   */
  constructor(path: string, reason: string) {
    super(reason);
    this.name = 'FolderRefused';
    this.path = path;
  }
}

/**
 * Checks that `path` is a directory of this user's and not a symbolic link, and with
 * `mode` set makes it that mode. Returns false when it does not exist.
 *
 * @throws FolderRefused when it is a link, not a directory, or another user's
 */
export function checkOwnFolder(path: string, mode?: number): boolean {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_DIRECTORY | constants.O_NOFOLLOW);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return false;
    // With O_DIRECTORY, Linux says ENOTDIR for a link too: look at what it is, to say so.
    const link = lstatSync(path, { throwIfNoEntry: false })?.isSymbolicLink() === true;
    throw new FolderRefused(
      path,
      link || code === 'ELOOP'
        ? 'it is a symbolic link'
        : code === 'ENOTDIR'
          ? 'it is not a folder'
          : `it cannot be opened (${code ?? (error as Error).message})`,
    );
  }
  try {
    const stats = fstatSync(fd);
    const uid = process.getuid?.();
    if (uid !== undefined && stats.uid !== uid) {
      throw new FolderRefused(
        path,
        `it belongs to user ${String(stats.uid)}, not to you (${String(uid)})`,
      );
    }
    if (mode !== undefined && (stats.mode & 0o7777) !== mode) fchmodSync(fd, mode);
    return true;
  } finally {
    closeSync(fd);
  }
}
