/**
 * @module
 * The worker resource limits that stand for a node's Node flags under `threads`.
 */
import type { ResourceLimits } from 'node:worker_threads';
import { LaunchpadError } from '../errors/errors.ts';
import type { LocalResources } from '../protocol/local-resources.ts';

const OLD_SPACE_FLAG = /^--max-old-space-size=(\d+)$/;
const SEMI_SPACE_FLAG = /^--max-semi-space-size=(\d+)$/;
// V8's young generation is two semi-spaces and a new large-object space of the same size.
const YOUNG_GENERATION_PER_SEMI_SPACE = 3;

/**
 * The worker resource limits for a node's Node flags. Threads share one process, so only
 * the heap limits have per-thread equivalents: `--max-old-space-size` and
 * `--max-semi-space-size` (V8's default when not given: 4 MB semi-spaces keep a busy thread's
 * memory flat through a long run of small calls, but cut 1 MiB calls to a thread to a
 * fraction of their throughput; see docs/startup.md).
 */
export function threadLimits(nodeId: string, resources: LocalResources): ResourceLimits {
  const limits: { maxOldGenerationSizeMb?: number; maxYoungGenerationSizeMb?: number } = {};
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
