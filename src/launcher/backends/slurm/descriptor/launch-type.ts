/**
 * @module
 * The `slurm` launch type: the program as one Slurm job, one task per node or colocation.
 */
import { checkClusterLaunch } from '../../../options/launch-checks.ts';
import type { LaunchTypeDescriptor } from '../../../options/launch-type-descriptor.ts';
import { resolveGroupResources, type SlurmLaunch, type SlurmOptions } from './slurm-options.ts';

/** The `slurm` launch type; its section is {@link SlurmOptions}. */
export const slurmLaunchType = {
  name: 'slurm',
  aliases: [],
  section: true,
  check: (launch, section: SlurmOptions | undefined): SlurmLaunch =>
    checkClusterLaunch(launch, 'slurm', () => {
      const options = section ?? {};
      return { options, resources: resolveGroupResources(launch.program, options) };
    }),
  load: async () => (await import('../slurm-backend.ts')).slurmBackend,
} as const satisfies LaunchTypeDescriptor<'slurm', SlurmOptions, SlurmLaunch>;
