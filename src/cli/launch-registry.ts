/**
 * @module
 * The launch registry as the CLI reads it: one JSON record per launch in
 * `<stateDir>/launches/<launchId>.json`, written by each launcher when it starts and
 * rewritten with `endedAt` and `outcome` when it ends. A record without `endedAt` whose
 * launcher process is gone is a launch that crashed.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

/** A launch as its launcher recorded it. */
export interface LaunchRecord {
  /** The basename of the launch's working directory. */
  readonly id: string;
  readonly programName: string;
  readonly launchType: string;
  /** The script the launcher ran. */
  readonly script: string;
  /** The launcher's process id. */
  readonly pid: number;
  readonly workdir: string;
  /** ISO time. */
  readonly startedAt: string;
  /** The launch API's base URL, e.g. `http://127.0.0.1:40123`. */
  readonly apiUrl: string;
  /** The per-launch token the launch API asks for. */
  readonly token: string;
  readonly dashboardUrl?: string;
  /** ISO time, once the launcher ended the launch. */
  readonly endedAt?: string;
  /** How the launch ended, once it did. */
  readonly outcome?: 'stopped' | 'failed';
}

/** Where a launch is: its launcher's record, or the record's absence on a dead pid. */
export type LaunchState = 'running' | 'stopped' | 'failed' | 'crashed';

/** A record and the state it tells. */
export interface RegisteredLaunch {
  readonly record: LaunchRecord;
  readonly state: LaunchState;
}

/**
 * The folder of launchpad-ts's state: `$LAUNCHPAD_STATE_DIR`, else
 * `$XDG_STATE_HOME/launchpad-ts`, else `~/.local/state/launchpad-ts`.
 */
export function stateDir(env: NodeJS.ProcessEnv = process.env): string {
  const explicit = env['LAUNCHPAD_STATE_DIR'];
  if (explicit !== undefined && explicit !== '') return explicit;
  const xdg = env['XDG_STATE_HOME'];
  if (xdg !== undefined && xdg !== '') return join(xdg, 'launchpad-ts');
  return join(homedir(), '.local', 'state', 'launchpad-ts');
}

/** The folder holding one record per launch. */
export function registryDir(env: NodeJS.ProcessEnv = process.env): string {
  return join(stateDir(env), 'launches');
}

/** True while a process with this id exists (it may belong to another user). */
function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The state a record tells, checking whether its launcher still runs. */
export function launchState(record: LaunchRecord): LaunchState {
  if (record.endedAt !== undefined) return record.outcome === 'failed' ? 'failed' : 'stopped';
  return processAlive(record.pid) ? 'running' : 'crashed';
}

const REQUIRED_STRINGS = [
  'id',
  'programName',
  'launchType',
  'workdir',
  'startedAt',
  'apiUrl',
  'token',
] as const;

function isLaunchRecord(value: unknown): value is LaunchRecord {
  if (typeof value !== 'object' || value === null) return false;
  const record = value as Record<string, unknown>;
  return (
    REQUIRED_STRINGS.every((key) => typeof record[key] === 'string') &&
    Number.isSafeInteger(record['pid'])
  );
}

/** What reading the registry found. */
export interface RegistryContents {
  /** Every readable launch, the most recently started first. */
  readonly launches: RegisteredLaunch[];
  /** Files that are not a launch record, each with why. */
  readonly unreadable: string[];
}

/** Reads every record of the registry; a registry that does not exist yet is empty. */
export function readRegistry(env: NodeJS.ProcessEnv = process.env): RegistryContents {
  const folder = registryDir(env);
  let files: string[];
  try {
    // Only finished records: a launcher writes `<id>.json` through a temporary name.
    files = readdirSync(folder).filter((file) => file.endsWith('.json'));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { launches: [], unreadable: [] };
    throw error;
  }
  const launches: RegisteredLaunch[] = [];
  const unreadable: string[] = [];
  for (const file of files) {
    const path = join(folder, file);
    try {
      const record: unknown = JSON.parse(readFileSync(path, 'utf8'));
      if (isLaunchRecord(record)) launches.push({ record, state: launchState(record) });
      else unreadable.push(`${path}: not a launch record`);
    } catch (error) {
      unreadable.push(`${path}: ${(error as Error).message}`);
    }
  }
  launches.sort((a, b) => b.record.startedAt.localeCompare(a.record.startedAt));
  return { launches, unreadable };
}
