/**
 * @module
 * Where a launch's history lives in its working directory, and the shape of each file:
 * `history/launch.json` (the launch's record without its token), `events.jsonl` (node
 * states, restarts, failures with their stacks), `metrics.jsonl` (at most one sample per
 * node per second), `graph.json` (the program's nodes and handles) and `logs/<node id>.log` (one JSON line
 * per line printed). A node id names a file only once it matches the id pattern.
 */
import { join } from 'node:path';
import { LaunchpadError } from '../../errors/errors.ts';
import { NODE_ID_PATTERN } from '../../model/program.ts';
import type { UserSample, NodeRow } from './launch-view.ts';

/** The history directory of the launch whose working directory is `workdir`. */
export function historyDirectory(workdir: string): string {
  return join(workdir, 'history');
}

/** The files of a history. */
export function historyPaths(workdir: string): {
  readonly launch: string;
  readonly events: string;
  readonly metrics: string;
  readonly graph: string;
  readonly log: (nodeId: string) => string;
} {
  const directory = historyDirectory(workdir);
  return {
    launch: join(directory, 'launch.json'),
    events: join(directory, 'events.jsonl'),
    metrics: join(directory, 'metrics.jsonl'),
    graph: join(directory, 'graph.json'),
    log: (nodeId) => join(directory, 'logs', `${checkedNodeId(nodeId)}.log`),
  };
}

/**
 * `nodeId`, once it is known to be a node id (`label/index`, a label starting with a
 * letter), so that it names a file inside `logs/` and nowhere else.
 *
 * @throws LaunchpadError `INVALID_ARGUMENT` for anything else (`../../x`, `a/../../0`)
 */
export function checkedNodeId(nodeId: string): string {
  if (!NODE_ID_PATTERN.test(nodeId)) {
    throw new LaunchpadError(
      'INVALID_ARGUMENT',
      `${JSON.stringify(nodeId)} is not a node id (label/index), so it names no log file of the history.`,
    );
  }
  return nodeId;
}

/** One line of `metrics.jsonl`: a node's row of the table and its user series. */
export interface MetricsLine {
  /** ISO 8601. */
  readonly t: string;
  readonly node: NodeRow;
  readonly user: readonly UserSample[];
}
