/**
 * @module
 * `launch()`: the one entry point that runs a program under any launch type.
 */
import { LaunchpadError } from '../errors.ts';
import { launchInProcess } from '../launchers/in-process/in-process-launcher.ts';
import { launchKubernetes } from '../launchers/kubernetes/kubernetes-launcher.ts';
import { launchProcesses } from '../launchers/processes/processes-launcher.ts';
import { launchThreads } from '../launchers/threads/threads-launcher.ts';
import { launchSlurm } from '../launchers/slurm/slurm-launcher.ts';
import { Program } from '../program/program.ts';
import { childLaunchHook } from './child-hook.ts';
import {
  resolveLaunchOptions,
  type LaunchOptions,
  type ResolvedLaunchOptions,
} from './launch-options.ts';
import { resolveLaunchType, type LaunchType } from './launch-type.ts';
import { enforceTimeLimit } from './time-limit.ts';
import type { RunningProgram } from './running-program.ts';

/**
 * Launches `program` and returns at once. The launch type comes from
 * `options.launchType`, else `--lp_launch_type`, else `LP_LAUNCH_TYPE`, else `processes`.
 *
 * @throws LaunchpadError `INVALID_ARGUMENT` for an unknown launch type or options, or a
 * node argument that cannot reach its node (the message names the node and the path)
 *
 * @example
 * ```ts
 * await lp.launch(makeProgram(2)).wait();
 * ```
 */
export function launch(program: Program, options: LaunchOptions = {}): RunningProgram {
  const hook = childLaunchHook();
  if (hook !== undefined) return hook(program);
  if (!(program instanceof Program)) {
    throw new LaunchpadError(
      'INVALID_ARGUMENT',
      `launch() expects a Program (new lp.Program(name)), got ${typeof program}.`,
    );
  }
  const launchType = resolveLaunchType(options.launchType);
  const resolved = resolveLaunchOptions(options);
  if (program.nodes.length === 0) {
    throw new LaunchpadError(
      'INVALID_ARGUMENT',
      `Program ${program.name} has no nodes; add some with program.addNode() before launching it.`,
    );
  }
  const running = start(launchType, program, resolved);
  if (resolved.timeLimitMs !== undefined) {
    enforceTimeLimit(running, resolved.timeLimitMs, resolved.stderr);
  }
  return running;
}

function start(
  launchType: LaunchType,
  program: Program,
  resolved: ResolvedLaunchOptions,
): RunningProgram {
  switch (launchType) {
    case 'in-process':
      return launchInProcess(program, resolved);
    case 'threads':
      return launchThreads(program, resolved);
    case 'processes':
      return launchProcesses(program, resolved);
    case 'slurm':
      return launchSlurm(program, resolved);
    case 'kubernetes':
      return launchKubernetes(program, resolved);
  }
}
