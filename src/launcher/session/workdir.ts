/**
 * @module
 * The per-launch working directory.
 */
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Creates (or reuses, when given) the launch's working directory and returns its path. */
export function createWorkdir(programName: string, requested: string | undefined): string {
  if (requested !== undefined) {
    mkdirSync(requested, { recursive: true });
    return requested;
  }
  const root = join(tmpdir(), 'launchpad-ts');
  mkdirSync(root, { recursive: true });
  const safeName = programName.replace(/[^A-Za-z0-9_.-]/g, '_');
  return mkdtempSync(join(root, `${safeName}-`));
}
