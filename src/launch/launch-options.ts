/**
 * @module
 * The options of `launch()` and their validation.
 */
import type { Writable } from 'node:stream';
import { describeThrown, LaunchpadError } from '../errors.ts';
import { DEFAULT_MAX_MESSAGE_BYTES } from '../rpc/codec.ts';

/** Options for `launch()`. Every field is optional. */
export interface LaunchOptions {
  /**
   * How to run the program: `in-process`, `processes`, or a Launchpad alias (`test_mt`,
   * `local_mp`). When unset: `--lp_launch_type`, then `LP_LAUNCH_TYPE`, then `processes`.
   */
  readonly launchType?: string;
  /**
   * Milliseconds between the stop signal and killing the nodes still running.
   * @default 10000
   */
  readonly terminationGraceMs?: number;
  /**
   * The launch's working directory, readable by nodes through `lp.context().workdir`.
   * @default a new directory under the OS temp directory
   */
  readonly workdir?: string;
  /**
   * The largest RPC message, in bytes, in either direction.
   * @default 1 GiB
   */
  readonly maxMessageBytes?: number;
  /** Where node processes' standard output goes, prefixed by node id. @default process.stdout */
  readonly stdout?: Writable;
  /** Where node processes' standard error goes, prefixed by node id. @default process.stderr */
  readonly stderr?: Writable;
}

/** {@link LaunchOptions} with defaults filled in. */
export interface ResolvedLaunchOptions {
  readonly terminationGraceMs: number;
  readonly workdir: string | undefined;
  readonly maxMessageBytes: number;
  readonly stdout: Writable;
  readonly stderr: Writable;
}

/** The default grace period between stop and kill, as in Launchpad. */
export const DEFAULT_TERMINATION_GRACE_MS = 10_000;

function nonNegative(name: string, value: unknown, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || Number.isNaN(value) || value < 0) {
    throw new LaunchpadError(
      'INVALID_ARGUMENT',
      `Expected launch option \`${name}\` to be a non-negative number, got ${describeThrown(value)} (${typeof value}).`,
    );
  }
  return value;
}

/** Validates `options` and fills in defaults. */
export function resolveLaunchOptions(options: LaunchOptions): ResolvedLaunchOptions {
  if (options.workdir !== undefined && typeof options.workdir !== 'string') {
    throw new LaunchpadError(
      'INVALID_ARGUMENT',
      'Expected launch option `workdir` to be a path string.',
    );
  }
  return {
    terminationGraceMs: nonNegative(
      'terminationGraceMs',
      options.terminationGraceMs,
      DEFAULT_TERMINATION_GRACE_MS,
    ),
    workdir: options.workdir,
    maxMessageBytes: nonNegative(
      'maxMessageBytes',
      options.maxMessageBytes,
      DEFAULT_MAX_MESSAGE_BYTES,
    ),
    stdout: options.stdout ?? process.stdout,
    stderr: options.stderr ?? process.stderr,
  };
}
