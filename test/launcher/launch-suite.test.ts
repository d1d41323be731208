/**
 * The same programs under every local launch type: calls, errors, typed arrays, cycles,
 * context, stop and failure must behave identically everywhere (the suite itself is in
 * test/helpers/launch-suite.ts; test/slurm runs it across simulated hosts).
 */
import { describe } from 'vitest';
import { LOCAL_LAUNCH_TYPES } from '../helpers/launch-types.ts';
import { launchSuite } from '../helpers/launch-suite.ts';

describe.each(LOCAL_LAUNCH_TYPES)('under %s', (launchType) => {
  launchSuite(launchType);
});
