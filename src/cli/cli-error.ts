/**
 * @module
 * {@link CliError}: a failure the `launchpad-ts` command explains in one line and ends with
 * its own exit code, without a stack trace.
 */

/** The exit codes of `launchpad-ts`. */
export const EXIT = {
  /** The command did what it was asked. */
  ok: 0,
  /** The command could not do it: no running launch, an unknown node, a script that failed. */
  failed: 1,
  /** The command line was wrong: an unknown flag, a missing argument, a bad value. */
  usage: 2,
  /** `status --diagnose`: a node is failed, restarting or unresponsive. */
  unhealthy: 3,
} as const;

/** A failure whose message is the whole explanation a user needs. */
export class CliError extends Error {
  /** The process's exit code. */
  readonly exitCode: number;

  /**
   * @param message - what went wrong and, where there is one, what to do about it
   * @param exitCode - the process's exit code @default EXIT.failed
   */
  constructor(message: string, exitCode: number = EXIT.failed) {
    super(message);
    this.name = 'CliError';
    this.exitCode = exitCode;
  }
}
