/**
 * @module
 * The per-launch working directory. Without an explicit one, each launch gets a fresh
 * folder under a root of the current user's own, `<tmpdir>/launchpad-ts-<uid>` (mode
 * 0700): `/tmp` is shared between users, and one user's root must neither block another
 * user's launches (EACCES) nor let them read or plant files in it.
 */
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { checkOwnFolder, FolderRefused } from '../../internal/private-folder.ts';

/** The name of the current user's root of working directories in the temporary folder. */
export function workdirRootName(): string {
  const uid = process.getuid?.();
  return uid === undefined ? `launchpad-ts-${userInfo().username}` : `launchpad-ts-${String(uid)}`;
}

/**
 * True when `root` is now a folder of this user's, not a symbolic link, with mode 0700;
 * false when it is anything else (another user made it first, or it is a link).
 */
function ownRoot(root: string): boolean {
  try {
    mkdirSync(root, { mode: 0o700 });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  try {
    return checkOwnFolder(root, 0o700);
  } catch (error) {
    if (error instanceof FolderRefused) return false;
    throw error;
  }
}

/** Creates (or reuses, when given) the launch's working directory and returns its path. */
export function createWorkdir(programName: string, requested: string | undefined): string {
  if (requested !== undefined) {
    mkdirSync(requested, { recursive: true });
    return requested;
  }
  const safeName = programName.replace(/[^A-Za-z0-9_.-]/g, '_');
  const root = join(tmpdir(), workdirRootName());
  // A root someone else took first is not used: the launch gets a private folder of its
  // own in the temporary folder instead (mkdtemp makes it 0700 with a random name).
  const parent = ownRoot(root) ? root : tmpdir();
  const prefix = parent === root ? `${safeName}-` : `${workdirRootName()}-${safeName}-`;
  return mkdtempSync(join(parent, prefix));
}
