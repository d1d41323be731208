/**
 * Finding the processes a test started, even after they have been re-parented: each run
 * puts a random marker in its launcher's environment, which every node process inherits.
 */
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';

/** A fresh marker value for {@link MARKER_VARIABLE}. */
export function newMarker(): string {
  return randomBytes(8).toString('hex');
}

/** The environment variable carrying a run's marker. */
export const MARKER_VARIABLE = 'LP_TEST_RUN_MARKER';

/** A live (not zombie) process of this user. */
export interface LiveProcess {
  readonly pid: number;
  readonly ppid: number;
  readonly cmdline: string;
}

function live(pid: number): LiveProcess | undefined {
  try {
    const stat = readFileSync(`/proc/${String(pid)}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (fields[0] === 'Z' || fields[0] === 'X') return undefined;
    const cmdline = readFileSync(`/proc/${String(pid)}/cmdline`, 'utf8').replace(/\0/g, ' ');
    return { pid, ppid: Number(fields[1]), cmdline };
  } catch {
    return undefined;
  }
}

/** Whether `pid` is a live process (not gone, not a zombie waiting to be reaped). */
export function isLive(pid: number): boolean {
  return live(pid) !== undefined;
}

/** The live children of `pid` (cheap: one file, unlike a scan of /proc). */
export function childrenOf(pid: number): LiveProcess[] {
  let text: string;
  try {
    text = readFileSync(`/proc/${String(pid)}/task/${String(pid)}/children`, 'utf8');
  } catch {
    return [];
  }
  return text
    .split(' ')
    .filter((word) => word !== '')
    .flatMap((word) => live(Number(word)) ?? []);
}

/** Every live process whose environment holds `marker`. */
export function markedProcesses(marker: string): LiveProcess[] {
  const needle = `${MARKER_VARIABLE}=${marker}\0`;
  const found: LiveProcess[] = [];
  for (const entry of readdirSync('/proc')) {
    const pid = Number(entry);
    if (!Number.isInteger(pid)) continue;
    let environ: string;
    try {
      environ = readFileSync(`/proc/${entry}/environ`, 'utf8');
    } catch {
      continue;
    }
    if (!environ.includes(needle)) continue;
    const process = live(pid);
    if (process !== undefined) found.push(process);
  }
  return found;
}

/**
 * Polls until `check()` returns a value, every `everyMs`, at most `limitMs`; returns
 * `undefined` if it never does.
 */
export async function pollFor<T>(
  check: () => T | undefined,
  limitMs: number,
  everyMs = 20,
): Promise<T | undefined> {
  const deadline = Date.now() + limitMs;
  for (;;) {
    const value = check();
    if (value !== undefined) return value;
    if (Date.now() >= deadline) return undefined;
    await sleep(everyMs);
  }
}
