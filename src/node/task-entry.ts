/**
 * @module
 * The script a cluster task hosting a colocation starts with
 * (`node --import tsx task-entry.ts [args…]`), its {@link ColocatedTask} in
 * `LAUNCHPAD_TS_TASK`.
 */
import { runColocatedTask, TASK_VARIABLE, type ColocatedTask } from './colocated-task.ts';

const raw = process.env[TASK_VARIABLE];
// The task holds the launch's secret: it must not leak into what the nodes start.
Reflect.deleteProperty(process.env, TASK_VARIABLE);
if (raw === undefined) {
  process.stderr.write(
    `launchpad-ts: ${TASK_VARIABLE} is not set; this script runs inside a launch.\n`,
  );
  process.exit(1);
}
process.exit(await runColocatedTask(JSON.parse(raw) as ColocatedTask, process.argv.slice(2)));
