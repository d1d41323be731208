/**
 * @module
 * The time limit of a launch (`timeLimitMs`, `--lp_time_limit`): when it is up, the
 * program is stopped as `stop()` stops it, and the launcher says so.
 */
import type { Writable } from 'node:stream';
import { styleText } from 'node:util';
import type { RunningProgram } from './running-program.ts';

const timedOut = new WeakSet<RunningProgram>();

/** True when `running` was stopped by its time limit. */
export function stoppedByTimeLimit(running: RunningProgram): boolean {
  return timedOut.has(running);
}

/**
 * Stops `running` after `limitMs` unless it has ended or is stopping by then, and writes
 * one line to `stderr` saying why it stopped.
 */
export function enforceTimeLimit(running: RunningProgram, limitMs: number, stderr: Writable): void {
  const timer = setTimeout(() => {
    if (running.stopping) return;
    timedOut.add(running);
    const seconds = Number((limitMs / 1000).toFixed(3));
    stderr.write(
      `${styleText('yellow', `launchpad-ts: time limit of ${seconds} s reached; stopping ${running.programName}.`)}\n`,
    );
    void running.stop();
  }, limitMs);
  // Ends with the program however it ends, so the timer never holds the process.
  void running
    .wait()
    .catch(() => undefined)
    .finally(() => {
      clearTimeout(timer);
    });
}
