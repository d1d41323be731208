/**
 * @module
 * The `threads` launch type (Launchpad's local_mt): every node in a worker thread of the
 * launcher's process.
 */
import { checkLocalResources } from '../../../options/launch-checks.ts';
import type { LaunchTypeDescriptor } from '../../../options/launch-type-descriptor.ts';
import { checkThreadOptions } from './thread-options.ts';

/** The `threads` launch type. */
export const threadsLaunchType = {
  name: 'threads',
  aliases: ['local_mt'],
  section: false,
  check: (launch) => {
    checkLocalResources(launch);
    checkThreadOptions(launch.program, launch.options);
  },
  load: async () => (await import('../threads-backend.ts')).threadsBackend,
} as const satisfies LaunchTypeDescriptor<'threads'>;
