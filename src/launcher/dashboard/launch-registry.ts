/**
 * @module
 * The launch registry: one file per launch under
 * `<state dir>/launches/<launch id>.json`, which the `launchpad-ts` CLI reads to find the
 * current user's running and recent launches. The directory is the user's alone (0700),
 * every record too (0600, it holds the launch's token), each written atomically; the
 * registry keeps the most recent {@link REGISTRY_LIMIT} records.
 *
 * A record is a {@link LaunchRecord} (`launch-record.ts` says what each field may hold):
 * `{ id, programName, launchType, script, pid, host, workdir, startedAt, apiUrl, token }`,
 * then `endedAt` and `outcome` once the launch ends. `host` is the launcher's host name:
 * a pid is checked only on its own host, so a home folder shared between machines does
 * not check another machine's pids here; records written before `host` existed have none
 * and are checked as this host's. The page's URL is not recorded (it holds the token).
 *
 * The folder is trusted only when it is a real directory owned by the user: a
 * `launches/` that is a symbolic link (or another user's) is refused, never chmodded or
 * pruned, since whatever it points to is not the registry. Pruning removes only files
 * that read as launch records ({@link readRecordFile}); anything else found there is left
 * alone.
 */
import { mkdirSync, readdirSync, statSync, unlinkSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { LaunchpadError } from '../../errors/errors.ts';
import { checkOwnFolder, FolderRefused } from '../../internal/private-folder.ts';
import { FileRefused, readSmallFile } from '../../internal/regular-file.ts';
import { checkLaunchRecord, writeJsonAtomically, type LaunchRecord } from './launch-record.ts';
import { readVariable, USER_VARIABLES } from '../../internal/environment.ts';
import { thrownMessage } from '../../errors/thrown.ts';

/** How many launch records the registry keeps; older ones are removed. */
export const REGISTRY_LIMIT = 100;

/** The largest record file read, in bytes (a record is well under 2 KiB). */
export const MAX_RECORD_BYTES = 64 * 1024;

/**
 * The launchpad-ts state directory: `$LP_STATE_DIR` (formerly `$LAUNCHPAD_STATE_DIR`), else
 * `$XDG_STATE_HOME/launchpad-ts`, else `~/.local/state/launchpad-ts`.
 */
export function stateDirectory(environment: NodeJS.ProcessEnv = process.env): string {
  const explicit = readVariable(USER_VARIABLES.stateDir, environment);
  if (explicit !== undefined) return explicit.value;
  const xdg = environment['XDG_STATE_HOME'];
  if (xdg !== undefined && xdg !== '') return join(xdg, 'launchpad-ts');
  return join(homedir(), '.local', 'state', 'launchpad-ts');
}

/** The directory of launch records. */
export function launchesDirectory(environment: NodeJS.ProcessEnv = process.env): string {
  return join(stateDirectory(environment), 'launches');
}

/**
 * Checks that `directory` is a directory of this user's and not a symbolic link; with
 * `secure`, makes it 0700. Returns false when it does not exist.
 *
 * @throws LaunchpadError `FAILED_PRECONDITION` naming the folder and what to do
 */
export function checkRegistryFolder(directory: string, secure = false): boolean {
  try {
    return checkOwnFolder(directory, secure ? 0o700 : undefined);
  } catch (error) {
    if (error instanceof FolderRefused) throw refused(directory, error.message);
    throw error;
  }
}

function refused(directory: string, why: string): LaunchpadError {
  return new LaunchpadError(
    'FAILED_PRECONDITION',
    `The launch registry folder ${directory} cannot be trusted: ${why}. Remove it (a new one is made at the next launch), or set LP_STATE_DIR to a folder of your own.`,
  );
}

/**
 * Reads one registry file: the record, or why it is not one (missing, not a regular file,
 * too large, not JSON, or not a record's shape). Never blocks: a FIFO is refused unread.
 */
export function readRecordFile(
  path: string,
): { readonly record: LaunchRecord } | { readonly problem: string } {
  let text: string;
  try {
    text = readSmallFile(path, MAX_RECORD_BYTES);
  } catch (error) {
    if (error instanceof FileRefused) return { problem: error.message };
    throw error;
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { problem: `not JSON (${thrownMessage(error)})` };
  }
  const problem = checkLaunchRecord(value, 'registry');
  return problem === undefined
    ? { record: value as LaunchRecord }
    : { problem: `not a launch record: ${problem}` };
}

/** Writes (or rewrites) the record of a launch, then prunes the oldest records. */
export function writeLaunchRecord(
  record: LaunchRecord,
  environment: NodeJS.ProcessEnv = process.env,
): string {
  const problem = checkLaunchRecord(record, 'registry');
  if (problem !== undefined) {
    throw new LaunchpadError('INVALID_ARGUMENT', `Cannot register launch ${record.id}: ${problem}`);
  }
  const directory = launchesDirectory(environment);
  mkdirSync(stateDirectory(environment), { recursive: true, mode: 0o700 });
  try {
    mkdirSync(directory, { mode: 0o700 });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  // mkdir's mode applies only to a directory it creates.
  checkRegistryFolder(directory, true);
  const path = join(directory, `${record.id}.json`);
  writeJsonAtomically(path, record);
  pruneRecords(directory, REGISTRY_LIMIT);
  return path;
}

/**
 * Removes all but the `keep` most recently written launch records of `directory`. Files
 * that are not launch records are never counted nor removed.
 */
export function pruneRecords(directory: string, keep: number): void {
  let names: string[];
  try {
    names = readdirSync(directory).filter((name) => name.endsWith('.json'));
  } catch {
    return;
  }
  if (names.length <= keep) return;
  const dated: { name: string; at: number }[] = [];
  for (const name of names) {
    const path = join(directory, name);
    if (!('record' in readRecordFile(path))) continue;
    try {
      dated.push({ name, at: statSync(path).mtimeMs });
    } catch {
      // Another launcher pruned it first.
    }
  }
  dated.sort((a, b) => b.at - a.at);
  for (const { name } of dated.slice(keep)) {
    try {
      unlinkSync(join(directory, name));
    } catch {
      // Another launcher pruned it first.
    }
  }
}
