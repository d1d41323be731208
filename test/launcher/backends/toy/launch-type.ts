/**
 * @module
 * The `toy` launch type: the smallest launch type there is, kept outside `src/` to show
 * (and test) that a launch type is one folder and one line. Its descriptor is as
 * dependency-free as a shipped one's; its backend loads only when a launch names it.
 */
import { checkLocalResources } from '../../../../src/launcher/options/launch-checks.ts';
import type { LaunchTypeDescriptor } from '../../../../src/launcher/options/launch-type-descriptor.ts';

/** The `toy` launch type: every node in a process of its own, nothing else. */
export const toyLaunchType = {
  name: 'toy',
  aliases: ['toy_mp'],
  section: false,
  check: checkLocalResources,
  load: async () => (await import('./toy-backend.ts')).toyBackend,
} as const satisfies LaunchTypeDescriptor<'toy'>;
