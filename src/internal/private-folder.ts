/**
 * @module
 * {@link checkOwnFolder}: whether a folder may hold the user's private files (the launch
 * registry, the history, the root of working directories). It must be a real directory,
 * not a symbolic link (whatever a link points to is not the folder the user meant), and
 * the user's own; it is then made 0700. The check and the chmod act on one descriptor
 * opened with `O_DIRECTORY | O_NOFOLLOW`, so the folder cannot be swapped between them.
 * {@link ancestorsProblem}: whether the folders above one are safe from other users.
 */
import { closeSync, constants, fchmodSync, fstatSync, lstatSync, openSync } from 'node:fs';
import { dirname } from 'node:path';

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

/**
 * What is wrong with the folders above `parent` (e.g. the parent of launch folders), in
 * words; `undefined` when every one from `/` down is a real folder (not a link) owned by
 * root or this user, and writable by nobody else unless it has the sticky bit. Where
 * another user may rename entries in a folder above (a shared scratch folder writable by
 * all, without the sticky bit), they could swap the checked parent for one of theirs
 * between a check and a connect, so that parent is not used.
 */
export function ancestorsProblem(parent: string): string | undefined {
  const uid = process.getuid?.();
  for (let folder = dirname(parent); ; folder = dirname(folder)) {
    let stats;
    try {
      stats = lstatSync(folder);
    } catch (error) {
      return `${folder} cannot be read (${(error as NodeJS.ErrnoException).code ?? String(error)})`;
    }
    if (stats.isSymbolicLink()) return `${folder} is a symbolic link`;
    if (uid !== undefined && stats.uid !== 0 && stats.uid !== uid) {
      return `${folder} belongs to user ${String(stats.uid)}, who could replace what is in it`;
    }
    if ((stats.mode & 0o022) !== 0 && (stats.mode & 0o1000) === 0) {
      return `${folder} is writable by others without the sticky bit (mode ${(stats.mode & 0o7777).toString(8)})`;
    }
    if (dirname(folder) === folder) return undefined;
  }
}
