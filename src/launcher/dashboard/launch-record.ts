/**
 * @module
 * {@link LaunchRecord}: what is known of a launch outside its launcher: written to the
 * launch registry (which the `launchpad-ts` CLI reads) and, without its token, to the
 * launch's history; and {@link checkLaunchRecord}, the one check of a record read back,
 * since a file in a folder may hold anything.
 *
 * A record is plain JSON. Besides the launch's facts it names the launcher's `pid` and,
 * since records may be read on another machine (a home folder shared between hosts), the
 * `host` it runs on: a pid means something only on its own host. Records written before
 * `host` existed have none and are checked as this host's. What a record may hold:
 *
 * - `id`: a file name (no `/`, not `.` or `..`, no NUL, at most 255 characters), since the
 *   registry names the record's file after it;
 * - `pid`: in the registry, a whole number from 2 to 4,194,304 (Linux's largest), never 0,
 *   -1 (process groups) or 1 (init, which is always alive); a history may name any whole
 *   number, and one that cannot be a launcher's reads as a launch that is not running;
 * - `apiUrl`: `http://127.0.0.1:<port>` (or `localhost`, `[::1]`), the only place the
 *   CLI sends the token;
 * - the other strings as strings, `outcome` as `stopped` or `failed`; other keys are
 *   ignored, so an older CLI reads a newer record.
 */
import { writeFileSync, renameSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import {
  integer,
  objectWithFields,
  oneOf,
  ShapeError,
  string,
  type Check,
} from '../../internal/shape.ts';

/** One launch, as the registry and the history record it. */
export interface LaunchRecord {
  /** The basename of the launch's working directory. */
  readonly id: string;
  readonly programName: string;
  readonly launchType: string;
  /** The main script, when known. */
  readonly script: string;
  /** The launcher's process id, on {@link LaunchRecord.host}. */
  readonly pid: number;
  /** The host name of the launcher's machine (`os.hostname()`); absent in older records. */
  readonly host?: string;
  readonly workdir: string;
  /** ISO 8601. */
  readonly startedAt: string;
  /** The launch API's base URL, e.g. `http://127.0.0.1:40123`. */
  readonly apiUrl: string;
  /** The launch API's token: in the registry (0600) only, never in the history. */
  readonly token?: string;
  /** ISO 8601, once the launch has ended. */
  readonly endedAt?: string;
  /** How it ended, once it has. */
  readonly outcome?: 'stopped' | 'failed';
}

/** The largest process id Linux hands out (`PID_MAX_LIMIT` on 64-bit). */
export const MAX_PID = 4_194_304;

const launchId: Check = (value, path) => {
  string('a file name')(value, path);
  const id = value as string;
  if (id === '' || id === '.' || id === '..' || id.length > 255 || /[/\0]/.test(id)) {
    throw new ShapeError(path, `must be a file name, got ${JSON.stringify(id)}.`);
  }
};

const RECORD_FIELDS = {
  id: launchId,
  programName: string(),
  launchType: string(),
  script: string(),
  pid: integer(2, MAX_PID),
  host: string(),
  workdir: string(),
  startedAt: string(),
  apiUrl: string(
    'a loopback URL such as http://127.0.0.1:40123',
    /^http:\/\/(127\.0\.0\.1|localhost|\[::1\]):\d{1,5}$/,
  ),
  token: string(),
  endedAt: string(),
  outcome: oneOf(['stopped', 'failed']),
};

const REQUIRED = [
  'id',
  'programName',
  'launchType',
  'script',
  'pid',
  'workdir',
  'startedAt',
  'apiUrl',
];

const registryRecord = objectWithFields(RECORD_FIELDS, [...REQUIRED, 'token']);
// A history is worth reopening whatever pid it names: a pid that cannot be a launcher's
// only means the launch is not running (see launcher-process.ts).
const historyRecord = objectWithFields(
  { ...RECORD_FIELDS, pid: integer(-Number.MAX_SAFE_INTEGER) },
  REQUIRED,
);

/**
 * Why `value` is not a launch record, or undefined when it is one. A registry record must
 * carry its token (`where: 'registry'`); the history's never does.
 */
export function checkLaunchRecord(
  value: unknown,
  where: 'registry' | 'history',
): string | undefined {
  try {
    (where === 'registry' ? registryRecord : historyRecord)(value, 'the record');
    return undefined;
  } catch (error) {
    if (error instanceof ShapeError) return error.message;
    throw error;
  }
}

/** The record as the history keeps it: every field but the token, named one by one. */
export function historyCopy(record: LaunchRecord): LaunchRecord {
  // Named, not spread: a field added to the record later never reaches the history
  // unless it is added here.
  const { id, programName, launchType, script, pid, host, workdir, startedAt, apiUrl } = record;
  return {
    id,
    programName,
    launchType,
    script,
    pid,
    ...(host === undefined ? {} : { host }),
    workdir,
    startedAt,
    apiUrl,
    ...(record.endedAt === undefined ? {} : { endedAt: record.endedAt }),
    ...(record.outcome === undefined ? {} : { outcome: record.outcome }),
  };
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
