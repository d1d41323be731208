/**
 * @module
 * The `kubernetes` launcher.
 */
import { LaunchpadError } from '../../errors.ts';
import type { ResolvedLaunchOptions } from '../../launch/launch-options.ts';
import type { RunningProgram } from '../../launch/running-program.ts';
import type { Program } from '../../program/program.ts';

/** Launches `program` on Kubernetes. */
export function launchKubernetes(
  program: Program,
  _options: ResolvedLaunchOptions,
): RunningProgram {
  throw new LaunchpadError(
    'UNIMPLEMENTED',
    `The kubernetes launcher is not ready (program ${program.name}).`,
  );
}
