/**
 * @module
 * {@link runColocatedTaskMain}: what a cluster task hosting a colocation runs
 * (`task-entry.ts` calls it), its {@link ColocatedTask} in `LP_COLOCATED_TASK`.
 */
import { colocatedTaskShape } from '../protocol/bootstrap-shapes.ts';
import { takeFromEnvironment } from './bootstrap-decoder.ts';
import { runColocatedTask, TASK_VARIABLE, type ColocatedTask } from './colocated-task.ts';
import { thrownMessage } from '../errors/thrown.ts';

/**
 * Runs the colocation this cluster task hosts, read from its environment, and exits the
 * process with the colocation's exit code.
 */
export async function runColocatedTaskMain(): Promise<void> {
  let task: ColocatedTask;
  try {
    // The task holds the launch's secret: it is taken out of what the nodes inherit.
    task = takeFromEnvironment<ColocatedTask>(
      TASK_VARIABLE,
      colocatedTaskShape,
      'inside a cluster task that hosts a colocation',
    );
  } catch (error) {
    process.stderr.write(`launchpad-ts: ${thrownMessage(error)}\n`);
    process.exit(1);
  }
  process.exit(await runColocatedTask(task, process.argv.slice(2)));
}
