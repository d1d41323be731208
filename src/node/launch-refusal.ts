/**
 * @module
 * What `launch()` says where no program may be launched: in a node's code, under every
 * launch type (`in-process` included, so that a test refuses what a real launch would),
 * and in a thread that inherited the nodes' package condition.
 */
import { LaunchpadError } from '../errors/errors.ts';
import { Program } from '../model/program.ts';
import { currentNode } from './node-context.ts';

const WHERE_INSTEAD =
  "programs are launched from the launcher's code (inside lp.main(), or a script of its own); " +
  'to start one from a node, run a script that launches it in a process of its own ' +
  '(child_process.fork() or spawn()).';

function described(program: unknown): string {
  return program instanceof Program
    ? `program ${program.name}`
    : `${typeof program} (launch() expects a Program)`;
}

/**
 * The error for launching `program` from a node's code, or `undefined` when no node's code
 * is running here.
 */
export function launchInNodeError(program: unknown): LaunchpadError | undefined {
  const node = currentNode();
  if (node === undefined) return undefined;
  return new LaunchpadError(
    'FAILED_PRECONDITION',
    `launch() was called in node ${node.context.nodeId}, which cannot launch ${described(program)}: ${WHERE_INSTEAD}`,
  );
}

/**
 * The error for launching `program` where `launchpad-ts` resolved to the nodes' API
 * outside any node's code: a worker thread that a node's code started inherits the
 * nodes' package condition.
 */
export function launchUnderNodeConditionError(program: unknown): LaunchpadError {
  return new LaunchpadError(
    'FAILED_PRECONDITION',
    `launch() was called in a thread or process that runs with --conditions=launchpad-ts-node ` +
      `(the worker threads a node's code starts inherit it), which cannot launch ${described(program)}: ${WHERE_INSTEAD}`,
  );
}
