/**
 * @module
 * The launch registry: one file per launch under
 * `<state dir>/launches/<launch id>.json`, which the `launchpad-ts` CLI reads to find the
 * current user's running and recent launches. The directory is the user's alone (0700),
 * every record too (0600, it holds the launch's token), each written atomically; the
 * registry keeps the most recent {@link REGISTRY_LIMIT} records.
 */
import { chmodSync, mkdirSync, readdirSync, statSync, unlinkSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { writeJsonAtomically, type LaunchRecord } from './launch-record.ts';

/** How many launch records the registry keeps; older ones are removed. */
export const REGISTRY_LIMIT = 100;

/**
 * The launchpad-ts state directory: `$LAUNCHPAD_STATE_DIR`, else
 * `$XDG_STATE_HOME/launchpad-ts`, else `~/.local/state/launchpad-ts`.
 */
export function stateDirectory(environment: NodeJS.ProcessEnv = process.env): string {
  const explicit = environment['LAUNCHPAD_STATE_DIR'];
  if (explicit !== undefined && explicit !== '') return explicit;
  const xdg = environment['XDG_STATE_HOME'];
  if (xdg !== undefined && xdg !== '') return join(xdg, 'launchpad-ts');
  return join(homedir(), '.local', 'state', 'launchpad-ts');
}

/** The directory of launch records. */
export function launchesDirectory(environment: NodeJS.ProcessEnv = process.env): string {
  return join(stateDirectory(environment), 'launches');
}

/** Writes (or rewrites) the record of a launch, then prunes the oldest records. */
export function writeLaunchRecord(
  record: LaunchRecord,
  environment: NodeJS.ProcessEnv = process.env,
): string {
  const directory = launchesDirectory(environment);
  mkdirSync(directory, { recursive: true, mode: 0o700 });
  // mkdir's mode applies only to a directory it creates.
  chmodSync(directory, 0o700);
  const path = join(directory, `${record.id}.json`);
  writeJsonAtomically(path, record);
  pruneRecords(directory, REGISTRY_LIMIT);
  return path;
}

/** Removes all but the `keep` most recently written records of `directory`. */
export function pruneRecords(directory: string, keep: number): void {
  let names: string[];
  try {
    names = readdirSync(directory).filter((name) => name.endsWith('.json'));
  } catch {
    return;
  }
  if (names.length <= keep) return;
  const dated = names.map((name) => {
    try {
      return { name, at: statSync(join(directory, name)).mtimeMs };
    } catch {
      return { name, at: 0 };
    }
  });
  dated.sort((a, b) => b.at - a.at);
  for (const { name } of dated.slice(keep)) {
    try {
      unlinkSync(join(directory, name));
    } catch {
      // Another launcher pruned it first.
    }
  }
}
