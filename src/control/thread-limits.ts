/**
 * @module
 * The worker resource limits that stand for a node's Node flags under `threads`.
 */
import type { ResourceLimits } from 'node:worker_threads';
import { LaunchpadError } from '../errors.ts';
import type { LocalResources } from '../launch/launch-options.ts';

const OLD_SPACE_FLAG = /^--max-old-space-size=(\d+)$/;
const SEMI_SPACE_FLAG = /^--max-semi-space-size=(\d+)$/;
// V8's young generation is two semi-spaces and a new large-object space of the same size.
const YOUNG_GENERATION_PER_SEMI_SPACE = 3;
/**
 * The semi-space of a node thread whose flags set none: 4 MB rather than V8's 16 MB. Under
 * load a worker's young generation grows to its maximum and stays there; in the footprint
 * benchmark's long run (1,000,000 small calls between two node threads) 16 MB grew the
 * process by about 30% while 4 MB kept it flat, at twice the calls per second.
 */
const DEFAULT_SEMI_SPACE_MB = 4;

/**
 * The worker resource limits for a node's Node flags. Threads share one process, so only
 * the heap limits have per-thread equivalents: `--max-old-space-size` and
 * `--max-semi-space-size` (4 MB when not given).
 */
export function threadLimits(nodeId: string, resources: LocalResources): ResourceLimits {
  const limits: { maxOldGenerationSizeMb?: number; maxYoungGenerationSizeMb: number } = {
    maxYoungGenerationSizeMb: DEFAULT_SEMI_SPACE_MB * YOUNG_GENERATION_PER_SEMI_SPACE,
  };
  for (const flag of resources.nodeFlags ?? []) {
    const oldSpace = OLD_SPACE_FLAG.exec(flag)?.[1];
    const semiSpace = SEMI_SPACE_FLAG.exec(flag)?.[1];
    if (oldSpace !== undefined) limits.maxOldGenerationSizeMb = Number(oldSpace);
    else if (semiSpace !== undefined) {
      limits.maxYoungGenerationSizeMb = Number(semiSpace) * YOUNG_GENERATION_PER_SEMI_SPACE;
    } else {
      throw new LaunchpadError(
        'INVALID_ARGUMENT',
        `Node ${nodeId}: Node flag ${flag} cannot apply to one worker thread; under threads only ` +
          '--max-old-space-size=<MB> and --max-semi-space-size=<MB> are supported. Use launchType ' +
          '"processes" for other flags.',
      );
    }
  }
  if (resources.cwd !== undefined) {
    throw new LaunchpadError(
      'INVALID_ARGUMENT',
      `Node ${nodeId}: a working directory (cwd) is per process, so it cannot apply to a worker thread; use launchType "processes".`,
    );
  }
  return limits;
}
