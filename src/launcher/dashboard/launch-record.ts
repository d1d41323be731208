/**
 * @module
 * {@link LaunchRecord}: what is known of a launch outside its launcher: written to the
 * launch registry (which the `launchpad-ts` CLI reads) and, without its token, to the
 * launch's history.
 */
import { writeFileSync, renameSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** One launch, as the registry and the history record it. */
export interface LaunchRecord {
  /** The basename of the launch's working directory. */
  readonly id: string;
  readonly programName: string;
  readonly launchType: string;
  /** The main script, when known. */
  readonly script: string;
  /** The launcher's process id. */
  readonly pid: number;
  readonly workdir: string;
  /** ISO 8601. */
  readonly startedAt: string;
  /** The launch API's base URL, e.g. `http://127.0.0.1:40123`. */
  readonly apiUrl: string;
  /** The launch API's token; never written to the history. */
  readonly token?: string;
  /** The page's URL with its token, when the dashboard was asked for. */
  readonly dashboardUrl?: string;
  /** ISO 8601, once the launch has ended. */
  readonly endedAt?: string;
  /** How it ended, once it has. */
  readonly outcome?: 'stopped' | 'failed';
}

/**
 * Writes `value` as JSON to `path` atomically: to a temporary file beside it, then renamed
 * over it, so a reader never sees half a file. The file is readable by its owner only.
 */
export function writeJsonAtomically(path: string, value: unknown, mode = 0o600): void {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  const temporary = join(dirname(path), `.${String(process.pid)}.${Date.now().toString(36)}.tmp`);
  writeFileSync(temporary, `${JSON.stringify(value, null, 2)}\n`, { mode });
  renameSync(temporary, path);
}
