/**
 * @module
 * {@link runSlurmTask}: what each Slurm task runs (`slurm-task.ts` calls it). It works out
 * what it runs from its global task rank: one node (it hands over to the shared node
 * main), a Python node (it starts the interpreter, `python-task.ts`), or a colocation,
 * whose nodes it starts as its threads or child processes.
 */
import { runChild } from '../../../../node/child-main.ts';
import { runColocatedTask } from '../../../../node/colocated-task.ts';
import { sharedBootstrapShape } from '../../../../protocol/bootstrap-shapes.ts';
import { BOOTSTRAP_VARIABLE, type ChildBootstrap } from '../../../../protocol/node-spec.ts';
import {
  NODE_IDS_VARIABLE,
  PYTHON_NODES_VARIABLE,
  SLURM_BOOTSTRAP_VARIABLE,
  TASK_INDEX_VARIABLE,
  type SlurmPythonNodes,
  type SlurmTask,
  slurmPythonNodesShape,
  slurmTasksShape,
} from './slurm-task-env.ts';
import { runPythonTask } from '../../../../node/python-task.ts';
import { takeFromEnvironment } from '../../../../node/bootstrap-decoder.ts';
import { thrownMessage } from '../../../../errors/thrown.ts';

function fail(message: string): never {
  process.stderr.write(`launchpad-ts (slurm task): ${message}\n`);
  process.exit(1);
}

/**
 * Runs this Slurm task's node, Python node or colocation, read from the job's environment;
 * exits the process with a message when that environment does not name one.
 */
export async function runSlurmTask(): Promise<void> {
  const purpose = 'inside a Slurm job submitted by launchpad-ts';
  let shared: Omit<ChildBootstrap, 'nodeId'>;
  let tasks: SlurmTask[];
  let python: SlurmPythonNodes | undefined;
  try {
    // Neither the secret nor the job's plumbing may leak into processes the node starts.
    shared = takeFromEnvironment(SLURM_BOOTSTRAP_VARIABLE, sharedBootstrapShape, purpose);
    tasks = takeFromEnvironment(NODE_IDS_VARIABLE, slurmTasksShape, purpose);
    python =
      process.env[PYTHON_NODES_VARIABLE] === undefined
        ? undefined
        : takeFromEnvironment(PYTHON_NODES_VARIABLE, slurmPythonNodesShape, purpose);
  } catch (error) {
    fail(thrownMessage(error));
  }
  // A restarted node runs as a step of its own, which names its task; else the rank does.
  const rank = Number(process.env[TASK_INDEX_VARIABLE] ?? process.env['SLURM_PROCID']);
  Reflect.deleteProperty(process.env, TASK_INDEX_VARIABLE);
  const task = Number.isInteger(rank) ? tasks[rank] : undefined;
  if (task === undefined) {
    fail(
      `SLURM_PROCID=${String(process.env['SLURM_PROCID'])} picks none of the job's ${String(tasks.length)} tasks.`,
    );
  }
  const bootstrapOf = (nodeId: string): ChildBootstrap => ({ ...shared, nodeId });

  if (typeof task === 'string' && python?.nodeIds.includes(task) === true) {
    // A Python node: this task starts the interpreter and follows it.
    process.exit(await runPythonTask(bootstrapOf(task), python.interpreter));
  } else if (typeof task === 'string') {
    // The node's main reads its bootstrap through the one bootstrap reader.
    process.env[BOOTSTRAP_VARIABLE] = JSON.stringify(bootstrapOf(task));
    await runChild();
  } else {
    const bootstraps = task.nodeIds.map(bootstrapOf);
    process.exit(await runColocatedTask({ kind: task.kind, bootstraps }, process.argv.slice(2)));
  }
}
