/**
 * @module
 * The launch registry as the CLI reads it: one JSON record per launch in
 * `<stateDir>/launches/<launchId>.json`, written by each launcher when it starts and
 * rewritten with `endedAt` and `outcome` when it ends. A record without `endedAt` whose
 * launcher process is gone is a launch that crashed; one whose launcher ran on another
 * host cannot be checked from here.
 *
 * Nothing in the folder is trusted: a folder that is a symbolic link or another user's is
 * refused, each file is opened without following links or blocking and read only if it is
 * a small regular file, and each record is checked (see `launch-record.ts`) before use.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import {
  checkRegistryFolder,
  launchesDirectory,
  readRecordFile,
} from '../launcher/dashboard/launch-registry.ts';
import type { LaunchRecord as WrittenRecord } from '../launcher/dashboard/launch-record.ts';
import { launcherProcess } from '../launcher/dashboard/launcher-process.ts';
import { CliError } from './cli-error.ts';
import { thrownMessage } from '../errors/thrown.ts';

/** A launch as its launcher recorded it in the registry, where the token is always set. */
export type LaunchRecord = WrittenRecord & { readonly token: string };

/**
 * Where a launch is: its launcher's record, or the record's absence on a dead pid.
 * `unknown`: it recorded no end and its launcher ran on another host, whose processes
 * cannot be checked from this one.
 */
export type LaunchState = 'running' | 'stopped' | 'failed' | 'crashed' | 'unknown';

/** A record and the state it tells. */
export interface RegisteredLaunch {
  readonly record: LaunchRecord;
  readonly state: LaunchState;
}

/** The state a record tells, checking whether its launcher still runs. */
export function launchState(record: LaunchRecord): LaunchState {
  if (record.endedAt !== undefined) return record.outcome === 'failed' ? 'failed' : 'stopped';
  const launcher = launcherProcess(record);
  return launcher === 'alive' ? 'running' : launcher === 'gone' ? 'crashed' : 'unknown';
}

/** What reading the registry found. */
export interface RegistryContents {
  /** Every readable launch, the most recently started first. */
  readonly launches: RegisteredLaunch[];
  /** Files that are not a launch record, each with why. */
  readonly unreadable: string[];
}

/**
 * Reads every record of the registry; a registry that does not exist yet is empty.
 *
 * @throws CliError when the registry folder is a symbolic link or another user's
 */
export function readRegistry(env: NodeJS.ProcessEnv = process.env): RegistryContents {
  const folder = launchesDirectory(env);
  try {
    if (!checkRegistryFolder(folder)) return { launches: [], unreadable: [] };
  } catch (error) {
    throw new CliError(thrownMessage(error));
  }
  // Only finished records: a launcher writes `<id>.json` through a temporary name.
  const files = readdirSync(folder).filter((file) => file.endsWith('.json'));
  const launches: RegisteredLaunch[] = [];
  const unreadable: string[] = [];
  for (const file of files) {
    const path = join(folder, file);
    const read = readRecordFile(path);
    if ('record' in read) {
      const record = read.record as LaunchRecord;
      launches.push({ record, state: launchState(record) });
    } else {
      unreadable.push(`${path}: ${read.problem}`);
    }
  }
  launches.sort((a, b) => b.record.startedAt.localeCompare(a.record.startedAt));
  return { launches, unreadable };
}
