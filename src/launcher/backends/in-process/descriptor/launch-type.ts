/**
 * @module
 * The `in-process` launch type (Launchpad's test_mt, in_process): every node in the
 * caller's process.
 */
import { checkResourceKeys } from '../../../options/launch-checks.ts';
import type { LaunchTypeDescriptor } from '../../../options/launch-type-descriptor.ts';

/** The `in-process` launch type. */
export const inProcessLaunchType = {
  name: 'in-process',
  aliases: ['test_mt', 'in_process'],
  section: false,
  check: checkResourceKeys,
  load: async () => (await import('../in-process-backend.ts')).inProcessBackend,
} as const satisfies LaunchTypeDescriptor<'in-process'>;
