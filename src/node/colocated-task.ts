/**
 * @module
 * A cluster task (a Slurm task, a Kubernetes pod) that hosts a colocation: it starts the
 * colocated nodes as its own threads or child processes and ends with the first failure
 * among them (killing the others). Each node still reports its output and its end to the launcher itself.
 */
import type { ColocationKind } from '../model/colocation.ts';
import { startNodeProcess } from '../spawn/node-process.ts';
import type { ChildBootstrap } from '../protocol/node-spec.ts';
import { startNodeThread } from '../spawn/node-thread.ts';
import type { Unit, UnitLaunch } from '../spawn/unit.ts';
import { INTERNAL_VARIABLES } from '../internal/environment.ts';

/** The environment variable that carries a {@link ColocatedTask} to a task's entry script. */
export const TASK_VARIABLE = INTERNAL_VARIABLES.colocatedTask;

/** What a task hosting a colocation runs. */
export interface ColocatedTask {
  /** Threads of the task's process, or its child processes. */
  readonly kind: ColocationKind;
  /** One bootstrap per colocated node. */
  readonly bootstraps: readonly ChildBootstrap[];
}

/** Runs the colocated nodes until all have ended; returns the task's exit code. */
export async function runColocatedTask(
  task: ColocatedTask,
  args: readonly string[],
): Promise<number> {
  const units = task.bootstraps.map((bootstrap, index): Unit => {
    const launch: UnitLaunch = { nodeId: bootstrap.nodeId, index, bootstrap, args, resources: {} };
    return task.kind === 'threads'
      ? startNodeThread(launch, { stdout: process.stdout, stderr: process.stderr })
      : startNodeProcess({
          bootstrap,
          args,
          resources: {},
          output: { mode: 'terminal', stdout: process.stdout, stderr: process.stderr, index },
        });
  });
  // A cluster's own stop (scancel, a deleted Pod) reaches this process: pass it on.
  const stopAll = (): void => {
    for (const unit of units) unit.kill();
  };
  process.once('SIGTERM', stopAll);
  // The first failure ends the task: a node killed outright cannot report its end, and a
  // failed task is how the cluster (and so the launcher) learns of it.
  const failure = await new Promise<number | undefined>((resolve) => {
    let running = units.length;
    for (const unit of units) {
      void unit.exited.then(({ code, signal }) => {
        if (code !== 0 || signal !== null) resolve(code ?? 1);
        else if (--running === 0) resolve(undefined);
      });
    }
  });
  if (failure !== undefined) {
    stopAll();
    await Promise.all(units.map((unit) => unit.exited));
  }
  return failure ?? 0;
}
