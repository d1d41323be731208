/**
 * @module
 * `launch()`: the one entry point that runs a program under any launch type. It checks
 * and prepares the launch, then hands it over to {@link runLaunchSession}.
 */
import { checkPythonNodes } from './session/python-check.ts';
import { LaunchpadError } from '../errors/errors.ts';
import { markLaunched, Program } from '../model/program.ts';
import { childLaunchHook } from '../node/child-hook.ts';
import { launchInNodeError } from '../node/launch-refusal.ts';
import { resolveLaunchOptions, type LaunchOptions } from './options/launch-options.ts';
import { resolveRestartPolicies, type ResolvedRestartPolicy } from './options/restart-policy.ts';
import { createLaunchSetup } from './session/launch-setup.ts';
import { launchFlags } from './options/launch-flags.ts';
import { launchTypeSections, resolveLaunchType, type LaunchType } from './options/launch-types.ts';
import type { LaunchCheck } from './options/launch-type-descriptor.ts';
import type { RunningProgram } from './session/running-program.ts';
import { exportGraphIfAsked } from './graph-export.ts';
import { OutputTap } from './dashboard/output-tap.ts';
import { runLaunchSession } from './run-launch-session.ts';
import { markLaunchPhase } from './session/launch-phases.ts';

/**
 * Launches `program` and returns at once. The launch type comes from
 * `options.launchType`, else `--lp_launch_type`, else `LP_LAUNCH_TYPE`, else `processes`.
 *
 * @throws LaunchpadError `INVALID_ARGUMENT` for an unknown launch type or options, or a
 * node argument that cannot reach its node (the message names the node and the path);
 * `FAILED_PRECONDITION` when called from a node's code
 *
 * @example
 * ```ts
 * await lp.launch(makeProgram(2)).wait();
 * ```
 */
export function launch(program: Program, options: LaunchOptions = {}): RunningProgram {
  const hook = childLaunchHook();
  if (hook !== undefined) return hook(program);
  // A node's code under `in-process` reaches this launch() (elsewhere, the nodes' own).
  const refused = launchInNodeError(program);
  if (refused !== undefined) throw refused;
  markLaunchPhase('launch-called');
  if (!(program instanceof Program)) {
    throw new LaunchpadError(
      'INVALID_ARGUMENT',
      `launch() expects a Program (new lp.Program(name)), got ${typeof program}.`,
    );
  }
  // `launchpad-ts graph`: write the graph and exit before anything starts.
  exportGraphIfAsked(program);
  const type = resolveLaunchType(options.launchType, launchFlags().launchType);
  const launchType = type.name as LaunchType;
  // Node output is read on its way to the launch's streams, for the dashboard's log tails.
  const tap = new OutputTap(program.nodes.map((node) => node.id));
  const resolved = tap.wrap(resolveLaunchOptions(options, launchTypeSections()));
  if (program.nodes.length === 0) {
    throw new LaunchpadError(
      'INVALID_ARGUMENT',
      `Program ${program.name} has no nodes; add some with program.addNode() before launching it.`,
    );
  }
  // Python nodes: their launch type, then their interpreter, before any node starts.
  checkPythonNodes(program, resolved.python, launchType);
  let policies: ReadonlyMap<string, ResolvedRestartPolicy> | undefined;
  const launchCheck: LaunchCheck = {
    program,
    options: resolved,
    get policies() {
      return (policies ??= resolveRestartPolicies(resolved.restart, program.nodes));
    },
  };
  const section = type.section
    ? (options as Readonly<Record<string, unknown>>)[type.name]
    : undefined;
  const checked = type.check(launchCheck, section);
  markLaunched(program);
  const setup = createLaunchSetup(program, resolved, launchType, () => launchCheck.policies);
  return runLaunchSession({ setup, type, checked, tap });
}
