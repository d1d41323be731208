/**
 * @module
 * What a Slurm job's batch script tells each of its tasks, through the environment.
 */
import { arrayOf, object, string, type Shape } from '../../../../internal/shape.ts';
import type { ColocationKind } from '../../../../model/colocation.ts';
import { colocationKind, nodeId } from '../../../../protocol/bootstrap-shapes.ts';

/** The Slurm task's entry script, for `nodeProcessArgs`. */
export const SLURM_TASK_ENTRY = 'launcher/backends/slurm/task/slurm-task';

/**
 * The environment variable carrying the bootstrap every task shares (all but the node
 * id). It travels in the submitter's environment, so the script itself holds no secret.
 */
export const SLURM_BOOTSTRAP_VARIABLE = 'LP_SLURM_BOOTSTRAP';

/** The environment variable that holds the job's tasks ({@link SlurmTask}), in task order. */
export const NODE_IDS_VARIABLE = 'LP_SLURM_NODE_IDS';

/**
 * What one Slurm task runs: one node, or a colocation's nodes (as threads or child
 * processes of the task).
 */
export type SlurmTask =
  string | { readonly kind: ColocationKind; readonly nodeIds: readonly string[] };

/**
 * The environment variable that names the task a restarted node's step runs (its index in
 * the job's tasks): a step of its own counts its task as rank 0.
 */
export const TASK_INDEX_VARIABLE = 'LP_SLURM_TASK_INDEX';

/**
 * The environment variable naming the job's Python nodes and their interpreter
 * ({@link SlurmPythonNodes}), set only when the program has Python nodes: their task
 * starts the interpreter (see `node/python-task.ts`).
 */
export const PYTHON_NODES_VARIABLE = 'LP_SLURM_PYTHON_NODES';

/** Which of a Slurm job's nodes are Python nodes, and the interpreter that runs them. */
export interface SlurmPythonNodes {
  /** The interpreter, a command on each host's `PATH` or a path. */
  readonly interpreter: string;
  /** The Python nodes' ids. */
  readonly nodeIds: readonly string[];
}

/** A Slurm job's task list: per task, one node id or a colocation's node ids. */
export const slurmTasksShape: Shape<SlurmTask[]> = arrayOf((task, path) => {
  if (typeof task === 'string') nodeId(task, path);
  else object({ kind: colocationKind, nodeIds: arrayOf(nodeId) }, ['kind', 'nodeIds'])(task, path);
});

/** The shape of a Slurm job's Python nodes (`LP_SLURM_PYTHON_NODES`). */
export const slurmPythonNodesShape: Shape<SlurmPythonNodes> = object(
  { interpreter: string(), nodeIds: arrayOf(nodeId) },
  ['interpreter', 'nodeIds'],
);
