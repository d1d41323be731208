/**
 * @module
 * The `processes` launch type (Launchpad's local_mp, test_mp): one OS process per node.
 */
import type { LaunchTypeDescriptor } from '../../../options/launch-type-descriptor.ts';
import { checkProcessOptions } from './process-options.ts';

/** The `processes` launch type. */
export const processesLaunchType = {
  name: 'processes',
  aliases: ['local_mp', 'test_mp'],
  section: false,
  check: checkProcessOptions,
  load: async () => (await import('../processes-backend.ts')).processesBackend,
} as const satisfies LaunchTypeDescriptor<'processes'>;
