/**
 * @module
 * {@link launcherProcess}: whether the launcher a record names still runs. A record
 * without an end names its launcher's pid, but a pid proves little alone: the launcher may
 * have died and its pid gone to another process, and on another host the pid is another
 * machine's. So a launcher is taken for alive only when a process with its pid exists on
 * this host and started no later than the launch did.
 */
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';

/** What can be told of a record's launcher from here. */
export type LauncherProcess =
  /** A process with its pid runs here and started before the launch did. */
  | 'alive'
  /** No such process, or one that started after the launch (the pid was reused). */
  | 'gone'
  /** The record names another host: its pid cannot be checked from this one. */
  | 'elsewhere';

// Clock ticks per second in /proc/<pid>/stat: USER_HZ, 100 on every Linux architecture
// Node runs on.
const USER_HZ = 100;
// Slack for the boot time's rounding to whole seconds and for clock adjustments.
const START_SLACK_MS = 5_000;

function pidExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists, as another user's.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** When process `pid` started (ms since the epoch), where /proc tells; else undefined. */
function processStartedAt(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${String(pid)}/stat`, 'utf8');
    // The command name (field 2) may hold spaces and parentheses: count from its end.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[19]);
    const bootLine = /^btime (\d+)$/m.exec(readFileSync('/proc/stat', 'utf8'));
    if (bootLine?.[1] === undefined || !Number.isFinite(ticks)) return undefined;
    return Number(bootLine[1]) * 1000 + (ticks * 1000) / USER_HZ;
  } catch {
    return undefined;
  }
}

/**
 * Whether the launcher of a record (its `pid`, `host` and `startedAt`) still runs, as far
 * as this host can tell. A record without a host is taken as this host's (records written
 * before the host was recorded).
 */
export function launcherProcess(record: {
  readonly pid: number;
  readonly host?: string | undefined;
  readonly startedAt: string;
}): LauncherProcess {
  if (record.host !== undefined && record.host !== hostname()) return 'elsewhere';
  // 0, -1 and negatives name process groups, 1 is init: never a launcher.
  if (!Number.isSafeInteger(record.pid) || record.pid <= 1) return 'gone';
  if (!pidExists(record.pid)) return 'gone';
  const started = processStartedAt(record.pid);
  const launched = Date.parse(record.startedAt);
  if (started !== undefined && Number.isFinite(launched) && started > launched + START_SLACK_MS) {
    return 'gone';
  }
  return 'alive';
}
