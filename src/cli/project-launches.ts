/**
 * @module
 * Which launches belong to the project of the current directory: those whose main script
 * lies under the current directory or under its git root (the nearest folder above it
 * holding `.git`). Commands without `--launch` choose only among these, so a command
 * typed in one project never acts on another project's run.
 */
import { existsSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import type { RegisteredLaunch } from './launch-registry.ts';

/** The folders a launch's script must lie under to belong to `cwd`'s project. */
export function projectFolders(cwd: string = process.cwd()): string[] {
  const here = resolve(cwd);
  const root = gitRoot(here);
  return root === undefined || root === here ? [here] : [here, root];
}

/** The nearest folder at or above `from` that holds `.git`, if any. */
export function gitRoot(from: string): string | undefined {
  for (let folder = resolve(from); ; folder = dirname(folder)) {
    if (existsSync(join(folder, '.git'))) return folder;
    if (dirname(folder) === folder) return undefined;
  }
}

/** True when `script` lies under one of `folders`. */
export function scriptUnder(script: string, folders: readonly string[]): boolean {
  if (script === '') return false;
  const path = resolve(script);
  return folders.some((folder) => path === folder || path.startsWith(folder + sep));
}

/** The launches of `cwd`'s project among `launches`. */
export function launchesOfProject(
  launches: readonly RegisteredLaunch[],
  cwd: string = process.cwd(),
): RegisteredLaunch[] {
  const folders = projectFolders(cwd);
  return launches.filter((launch) => scriptUnder(launch.record.script, folders));
}

/** A launch's project folder, as `ls` shows it: its script's git root, else its folder. */
export function projectOf(script: string): string {
  if (script === '') return '-';
  const folder = dirname(resolve(script));
  return gitRoot(folder) ?? folder;
}

/** `path` relative to `cwd` when it lies under it, else as it is. */
export function shortPath(path: string, cwd: string = process.cwd()): string {
  if (path === '') return '-';
  const rel = relative(cwd, path);
  return rel !== '' && !rel.startsWith('..') && !rel.startsWith(sep) ? rel : path;
}
