/**
 * @module
 * Which launches belong to the project of the current directory. The project is the
 * nearest folder at or above the current directory that holds a `package.json` or `.git`
 * (its root), together with the git root above it (a package of a monorepo belongs to
 * the repository); a launch belongs to it when its main script lies under one of these.
 * Commands without `--launch` choose only among these, so a command typed in one project
 * never acts on another project's run, and one typed outside any project (a folder
 * holding many checkouts) acts on none.
 */
import { existsSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import type { RegisteredLaunch } from './launch-registry.ts';

/** What makes a folder a project's root. */
export const PROJECT_MARKERS = ['package.json', '.git'] as const;

/**
 * The folders a launch's script must lie under to belong to `cwd`'s project: its root and
 * the git root above it; none when `cwd` is in no project.
 */
export function projectFolders(cwd: string = process.cwd()): string[] {
  const root = projectRoot(cwd);
  if (root === undefined) return [];
  const repository = gitRoot(root);
  return repository === undefined || repository === root ? [root] : [root, repository];
}

/** The nearest folder at or above `from` holding one of {@link PROJECT_MARKERS}, if any. */
export function projectRoot(from: string): string | undefined {
  return nearestHolding(from, PROJECT_MARKERS);
}

/** The nearest folder at or above `from` that holds `.git`, if any. */
export function gitRoot(from: string): string | undefined {
  return nearestHolding(from, ['.git']);
}

function nearestHolding(from: string, names: readonly string[]): string | undefined {
  for (let folder = resolve(from); ; folder = dirname(folder)) {
    if (names.some((name) => existsSync(join(folder, name)))) return folder;
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

/**
 * A launch's project folder, as `ls` shows it: its script's git root, else its project's
 * root, else its folder.
 */
export function projectOf(script: string): string {
  if (script === '') return '-';
  const folder = dirname(resolve(script));
  return gitRoot(folder) ?? projectRoot(folder) ?? folder;
}

/** `path` relative to `cwd` when it lies under it, else as it is. */
export function shortPath(path: string, cwd: string = process.cwd()): string {
  if (path === '') return '-';
  const rel = relative(cwd, path);
  return rel !== '' && !rel.startsWith('..') && !rel.startsWith(sep) ? rel : path;
}
