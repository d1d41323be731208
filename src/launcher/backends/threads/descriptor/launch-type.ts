/**
 * @module
 * The `threads` launch type (Launchpad's local_mt): every node in a worker thread of the
 * launcher's process.
 */
import type { LaunchTypeDescriptor } from '../../../options/launch-type-descriptor.ts';
import { checkThreadOptions } from './thread-options.ts';

/** The `threads` launch type. */
export const threadsLaunchType = {
  name: 'threads',
  aliases: ['local_mt'],
  section: false,
  check: checkThreadOptions,
  load: async () => (await import('../threads-backend.ts')).threadsBackend,
} as const satisfies LaunchTypeDescriptor<'threads'>;
