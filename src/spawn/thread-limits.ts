/**
 * @module
 * The worker resource limits that stand for a node's Node flags under `threads`.
 */
import type { ResourceLimits } from 'node:worker_threads';
import { LaunchpadError } from '../errors/errors.ts';
import type { LocalResources } from '../protocol/local-resources.ts';

const OLD_SPACE_FLAG = /^--max-old-space-size=(\d+)$/;

/**
 * The worker resource limits for a node's Node flags. Threads share one process, so only
 * the heap limit has a per-thread equivalent.
 */
export function threadLimits(nodeId: string, resources: LocalResources): ResourceLimits {
  const limits: { maxOldGenerationSizeMb?: number } = {};
  for (const flag of resources.nodeFlags ?? []) {
    const match = OLD_SPACE_FLAG.exec(flag);
    if (match?.[1] === undefined) {
      throw new LaunchpadError(
        'INVALID_ARGUMENT',
        `Node ${nodeId}: Node flag ${flag} cannot apply to one worker thread; under threads only ` +
          '--max-old-space-size=<MB> is supported. Use launchType "processes" for other flags.',
      );
    }
    limits.maxOldGenerationSizeMb = Number(match[1]);
  }
  if (resources.cwd !== undefined) {
    throw new LaunchpadError(
      'INVALID_ARGUMENT',
      `Node ${nodeId}: a working directory (cwd) is per process, so it cannot apply to a worker thread; use launchType "processes".`,
    );
  }
  return limits;
}
