/**
 * @module
 * Every environment variable launchpad-ts reads or sets, by one prefix: `LP_`. Users set
 * the first group; the launcher and its nodes (and the `launchpad-ts` command and the
 * scripts it runs) pass the second between themselves. Slurm's task variables
 * (`LP_SLURM_*`) are named with Slurm's backend, in `launcher/backends/slurm/task/slurm-task-env.ts`; the
 * Python side of nodes spells the names it reads in `python/launchpad_ts/` (a test checks
 * they agree).
 *
 * Names that once had another prefix still work: {@link readVariable} reads the old name
 * when the new one is unset and warns once (a Node `DeprecationWarning`) naming the new
 * one. Launchpad's own name for the output mode is accepted as it is, without a warning,
 * as Launchpad's launch type names are.
 */

/** The variables a user may set. */
export const USER_VARIABLES = {
  /** The launch type when neither the option nor `--lp_launch_type` gives one. */
  launchType: 'LP_LAUNCH_TYPE',
  /** `1`: print what would run and submit nothing. */
  dryRun: 'LP_DRY_RUN',
  /** `0`: record no metrics. */
  metrics: 'LP_METRICS',
  /** `1` or `0`: trace calls or not. */
  tracing: 'LP_TRACING',
  /** The Python interpreter of Python nodes. */
  python: 'LP_PYTHON',
  /** `0`: no diagnostics thread in nodes (no stack dumps). */
  diagnostics: 'LP_DIAGNOSTICS',
  /** `0`: nodes on one host talk over TCP, not over Unix domain sockets. */
  unixSockets: 'LP_UNIX_SOCKETS',
  /** Where the output of local nodes goes (an output mode). */
  output: 'LP_OUTPUT',
  /** The folder of the launch registry. */
  stateDir: 'LP_STATE_DIR',
  /** The container image of Kubernetes groups without one. */
  kubernetesImage: 'LP_KUBERNETES_IMAGE',
  /** The address Kubernetes Pods reach the launcher at. */
  kubernetesControlHost: 'LP_KUBERNETES_CONTROL_HOST',
} as const;

/** The variables the launcher, its nodes and the command pass between themselves. */
export const INTERNAL_VARIABLES = {
  /** A node's bootstrap (JSON), where no pipe or file can carry it (cluster tasks). */
  bootstrap: 'LP_BOOTSTRAP',
  /** The descriptor of the pipe a local node process reads its bootstrap from. */
  bootstrapFd: 'LP_BOOTSTRAP_FD',
  /** The file (deleted once read) a node in a tmux window reads its bootstrap from. */
  bootstrapFile: 'LP_BOOTSTRAP_FILE',
  /** A colocated cluster task: the nodes it hosts (JSON). */
  colocatedTask: 'LP_COLOCATED_TASK',
  /** A colocation host's settings (JSON). */
  colocationHost: 'LP_COLOCATION_HOST',
  /** The file `launchpad-ts graph` asks a script's `launch()` to write its graph to. */
  graphOutput: 'LP_GRAPH_OUT',
} as const;

/** The name of a variable a user may set. */
export type UserVariable = (typeof USER_VARIABLES)[keyof typeof USER_VARIABLES];

/** Old names that still work, with a deprecation warning, by their new name. */
export const DEPRECATED_NAMES: Readonly<Partial<Record<UserVariable, string>>> = {
  LP_STATE_DIR: 'LAUNCHPAD_STATE_DIR',
};

/** Launchpad's names, accepted without a warning, by launchpad-ts's name. */
export const LAUNCHPAD_NAMES: Readonly<Partial<Record<UserVariable, string>>> = {
  LP_OUTPUT: 'LAUNCHPAD_LAUNCH_LOCAL_TERMINAL',
};

// Each old name warns once per process, however often it is read.
const warned = new Set<string>();

/** What {@link readVariable} found: the value and the name it was read from. */
export interface VariableValue {
  readonly value: string;
  /** The name set: `name`, its old name or Launchpad's. */
  readonly from: string;
}

/**
 * Reads the variable `name` from `environment`, else its old name (warning once that it
 * is deprecated) or Launchpad's name for it. An empty value is unset, as shells write it
 * to clear a variable.
 *
 * @returns the value and the name it was read from, or undefined when none is set
 */
export function readVariable(
  name: UserVariable,
  environment: NodeJS.ProcessEnv = process.env,
): VariableValue | undefined {
  const value = environment[name];
  if (value !== undefined && value !== '') return { value, from: name };
  const launchpadName = LAUNCHPAD_NAMES[name];
  const fromLaunchpad = launchpadName === undefined ? undefined : environment[launchpadName];
  if (launchpadName !== undefined && fromLaunchpad !== undefined && fromLaunchpad !== '') {
    return { value: fromLaunchpad, from: launchpadName };
  }
  const oldName = DEPRECATED_NAMES[name];
  const old = oldName === undefined ? undefined : environment[oldName];
  if (oldName === undefined || old === undefined || old === '') return undefined;
  if (!warned.has(oldName)) {
    warned.add(oldName);
    process.emitWarning(`${oldName} is deprecated: set ${name} instead.`, {
      type: 'DeprecationWarning',
      code: 'LP_ENVIRONMENT_NAME',
    });
  }
  return { value: old, from: oldName };
}
