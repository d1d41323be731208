/**
 * @module
 * The launch registry as the CLI reads it: one JSON record per launch in
 * `<stateDir>/launches/<launchId>.json`, written by each launcher when it starts and
 * rewritten with `endedAt` and `outcome` when it ends. A record without `endedAt` whose
 * launcher process is gone is a launch that crashed.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { launchesDirectory } from '../launcher/dashboard/launch-registry.ts';
import type { LaunchRecord as WrittenRecord } from '../launcher/dashboard/launch-record.ts';

/** A launch as its launcher recorded it in the registry, where the token is always set. */
export type LaunchRecord = WrittenRecord & { readonly token: string };

/** Where a launch is: its launcher's record, or the record's absence on a dead pid. */
export type LaunchState = 'running' | 'stopped' | 'failed' | 'crashed';

/** A record and the state it tells. */
export interface RegisteredLaunch {
  readonly record: LaunchRecord;
  readonly state: LaunchState;
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
  const folder = launchesDirectory(env);
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
