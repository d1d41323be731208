/**
 * @module
 * Waiting until processes that are not our children are really gone. A process killed
 * with SIGKILL can still be running for a moment, and once dead it may stay a zombie
 * until whoever adopted it reaps it; neither a zombie nor a missing process can serve.
 */
import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';

const POLL_MS = 5;

/** True when `pid` no longer runs code: it does not exist, or it is a zombie. */
export function isGone(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${String(pid)}/stat`, 'utf8');
    // The state follows the command name, which is in parentheses and may hold anything.
    const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    return state === 'Z' || state === 'X';
  } catch {
    // No /proc entry: gone on Linux; elsewhere, ask the kernel.
    if (process.platform === 'linux') return true;
    try {
      process.kill(pid, 0);
      return false;
    } catch {
      return true;
    }
  }
}

/** Sends SIGKILL to each of `pids` still running. */
export function killAll(pids: Iterable<number>): void {
  for (const pid of pids) {
    if (isGone(pid)) continue;
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // Gone in between.
    }
  }
}

/** Resolves once every one of `pids` is gone, or after `limitMs`, with those still running. */
export async function waitUntilGone(pids: readonly number[], limitMs: number): Promise<number[]> {
  const deadline = Date.now() + limitMs;
  let left = pids.filter((pid) => !isGone(pid));
  while (left.length > 0 && Date.now() < deadline) {
    await sleep(POLL_MS);
    left = left.filter((pid) => !isGone(pid));
  }
  return left;
}
