/**
 * @module
 * The table of launch types: for each, the checks that refuse its options before anything
 * starts (small, dependency-free modules) and the launcher itself, loaded with `import()`
 * only when a launch of that type starts. A node never loads a launcher, so no node pays
 * for the Kubernetes client or the Slurm commands.
 */
import {
  checkNodeCwds,
  checkNodeKeys,
  type ResolvedLaunchOptions,
} from './options/launch-options.ts';
import type { Launcher } from './session/launch-setup.ts';
import type { LaunchType } from './options/launch-type.ts';
import type { Program } from '../model/program.ts';
import { resolveKubernetesGroups } from './options/kubernetes-options.ts';
import { checkProcessOptions } from './options/process-options.ts';
import { resolveGroupResources } from './options/slurm-options.ts';
import { checkThreadOptions } from './options/thread-options.ts';
import { refuseColocatedRestarts, resolveRestartPolicies } from './options/restart-policy.ts';

/** One launch type's entry in the table. */
interface LaunchTypeEntry {
  /** Throws `INVALID_ARGUMENT` for options this launch type refuses. */
  readonly check: (program: Program, options: ResolvedLaunchOptions) => void;
  /** Loads the launcher. */
  readonly load: () => Promise<Launcher>;
}

const checkResourceKeys = (program: Program, options: ResolvedLaunchOptions): void => {
  checkNodeKeys('resources', options.resources, program.nodes);
};

// A cluster runs a colocation as one unit (a Slurm task, a Pod).
const checkClusterRestarts = (
  program: Program,
  options: ResolvedLaunchOptions,
  launchType: LaunchType,
): void => {
  const policies = resolveRestartPolicies(options.restart, program.nodes);
  refuseColocatedRestarts(policies, program.colocations, launchType);
};

const checkLocalResources = (program: Program, options: ResolvedLaunchOptions): void => {
  checkResourceKeys(program, options);
  checkNodeCwds(program.nodes, options.resources);
};

/** Every launch type's checks and launcher. */
export const LAUNCH_TYPE_TABLE: Readonly<Record<LaunchType, LaunchTypeEntry>> = {
  'in-process': {
    check: checkResourceKeys,
    load: async () =>
      (await import('./backends/in-process/in-process-launcher.ts')).inProcessBackend,
  },
  threads: {
    check: (program, options) => {
      checkLocalResources(program, options);
      checkThreadOptions(program, options);
    },
    load: async () => (await import('./backends/threads/threads-launcher.ts')).threadsBackend,
  },
  processes: {
    check: (program, options) => {
      checkLocalResources(program, options);
      checkProcessOptions(program, options);
    },
    load: async () => (await import('./backends/processes/processes-launcher.ts')).processesBackend,
  },
  // Slurm and Kubernetes refuse unknown `resources` keys as local launches do, and
  // restart policies they cannot honour (a colocated node restarted on its own).
  slurm: {
    check: (program, options) => {
      checkResourceKeys(program, options);
      resolveGroupResources(program, options.slurm);
      checkClusterRestarts(program, options, 'slurm');
    },
    load: async () => (await import('./backends/slurm/slurm-launcher.ts')).slurmBackend,
  },
  kubernetes: {
    check: (program, options) => {
      checkResourceKeys(program, options);
      resolveKubernetesGroups(program.name, [...program.groups.keys()], options.kubernetes);
      checkClusterRestarts(program, options, 'kubernetes');
    },
    load: async () =>
      (await import('./backends/kubernetes/load-kubernetes-launcher.ts')).loadKubernetesLauncher(),
  },
};
