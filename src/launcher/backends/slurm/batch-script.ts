/**
 * @module
 * The batch script of a Slurm launch. The whole program is one job: groups that need the
 * same resources share one job component, and groups with different resources become
 * components of a heterogeneous job (Slurm's way to give parts of one job different
 * resources). One `srun` step runs every node as one task; a task finds its node by its
 * global `SLURM_PROCID` in the node list the script exports.
 *
 * Packing identical groups together matters: the backfill scheduler places each
 * heterogeneous component on its own Slurm node, so a component per group would need as
 * many Slurm nodes as the program has groups.
 */
import type { Program } from '../../../model/program.ts';
import type { ResolvedResources } from './descriptor/slurm-options.ts';
import { NODE_IDS_VARIABLE, type SlurmTask } from './task/slurm-task-env.ts';

export {
  NODE_IDS_VARIABLE,
  SLURM_BOOTSTRAP_VARIABLE,
  type SlurmTask,
} from './task/slurm-task-env.ts';

/** One component of the job: groups that share their resources. */
export interface JobComponent {
  /** The group labels, in program order. */
  readonly labels: readonly string[];
  /** Every node id of the component, in task order. */
  readonly nodeIds: readonly string[];
  /** The component's tasks: one per node, or one per colocation. */
  readonly tasks: readonly SlurmTask[];
  /** The component's resources. */
  readonly resources: ResolvedResources;
}

/** What the batch script is made from. */
export interface BatchPlan {
  /** The program's name, for comments. */
  readonly programName: string;
  /** The job name. */
  readonly jobName: string;
  /** Where the batch script's own output goes. */
  readonly output: string;
  /** The directory tasks start in. */
  readonly chdir: string;
  /** The job's components, in task order. */
  readonly components: readonly JobComponent[];
  /** The command that runs one task (program, then arguments). */
  readonly taskCommand: readonly string[];
  /**
   * Keep the allocation after the first step ends, for as long as the launcher answers:
   * a node that may be restarted runs again as a further step of this job.
   */
  readonly hold?: boolean;
}

/** The environment variables that tell a holding batch script where the launcher is. */
export const LAUNCHER_HOST_VARIABLE = 'LP_SLURM_LAUNCHER_HOST';
/** See {@link LAUNCHER_HOST_VARIABLE}. */
export const LAUNCHER_PORT_VARIABLE = 'LP_SLURM_LAUNCHER_PORT';

/** Groups the program's nodes into job components by their resources. */
export function jobComponents(
  program: Program,
  resources: ReadonlyMap<string, ResolvedResources>,
): JobComponent[] {
  const byKey = new Map<
    string,
    { labels: string[]; nodeIds: string[]; tasks: SlurmTask[]; resources: ResolvedResources }
  >();
  const colocations = program.colocations;
  const placed = new Set<string>();
  for (const [label, nodes] of program.groups) {
    const own = resources.get(label) ?? {};
    const key = JSON.stringify(own);
    let component = byKey.get(key);
    if (component === undefined) {
      component = { labels: [], nodeIds: [], tasks: [], resources: own };
      byKey.set(key, component);
    }
    component.labels.push(label);
    for (const node of nodes) {
      if (placed.has(node.id)) continue;
      // A colocation's nodes (all of one group) share one task.
      const colocation = colocations.find(({ nodeIds }) => nodeIds.includes(node.id));
      const task: SlurmTask =
        colocation === undefined ? node.id : { kind: colocation.kind, nodeIds: colocation.nodeIds };
      const taskNodeIds = typeof task === 'string' ? [task] : task.nodeIds;
      for (const id of taskNodeIds) placed.add(id);
      component.nodeIds.push(...taskNodeIds);
      component.tasks.push(task);
    }
  }
  return [...byKey.values()];
}

/** Quotes `word` for a POSIX shell. */
export function shellQuote(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

function memoryMb(memory: number | string): number {
  if (typeof memory === 'number') return memory;
  const match = /^(\d+)([KMGT]?)$/i.exec(memory);
  const value = Number(match?.[1] ?? 0);
  const unit = (match?.[2] ?? 'M').toUpperCase();
  const factor: Record<string, number> = { K: 1 / 1024, M: 1, G: 1024, T: 1024 * 1024 };
  return value * (factor[unit] ?? 1);
}

/** The `#SBATCH` flags of one component. */
export function componentFlags(component: JobComponent): string[] {
  const { resources } = component;
  const cpus = resources.cpus ?? 1;
  const flags = [`--ntasks=${String(component.tasks.length)}`, `--cpus-per-task=${String(cpus)}`];
  if (resources.memory !== undefined) {
    // Slurm has no memory-per-task flag; a node's memory is spread over its CPUs.
    flags.push(
      `--mem-per-cpu=${String(Math.max(1, Math.ceil(memoryMb(resources.memory) / cpus)))}M`,
    );
  }
  if (resources.gpus !== undefined && resources.gpus > 0) {
    flags.push(`--gpus-per-task=${String(resources.gpus)}`);
  }
  if (resources.time !== undefined) flags.push(`--time=${String(resources.time)}`);
  if (resources.partition !== undefined) flags.push(`--partition=${resources.partition}`);
  flags.push(...(resources.sbatchOptions ?? []));
  return flags;
}

/** Renders the batch script. It holds no secret: the submitter's environment carries it. */
export function renderBatchScript(plan: BatchPlan): string {
  const lines = [
    '#!/bin/bash',
    `# launchpad-ts: program ${plan.programName}, one Slurm task per node or colocation.`,
    `#SBATCH --job-name=${plan.jobName}`,
    `#SBATCH --output=${plan.output}`,
    `#SBATCH --chdir=${plan.chdir}`,
    // A requeued job would start its tasks again behind the launcher's back; restarts are
    // the launcher's to make, so a job that loses a node ends (NODE_FAIL) instead.
    '#SBATCH --no-requeue',
  ];
  for (const [index, component] of plan.components.entries()) {
    if (index > 0) lines.push('#SBATCH hetjob');
    lines.push(`# component ${String(index)}: ${component.labels.join(', ')}`);
    lines.push(...componentFlags(component).map((flag) => `#SBATCH ${flag}`));
  }
  const tasks = plan.components.flatMap((component) => component.tasks);
  const command = plan.taskCommand.map(shellQuote).join(' ');
  // --kill-on-bad-exit: a node that crashes without reporting ends the step, so the job
  // ends and the launcher notices instead of waiting forever. A job that restarts nodes
  // keeps its other nodes running instead, and the launcher restarts the failed one.
  // --label: each line of the output file names its task, so the launcher can tell what a
  // task that never reached it printed.
  const killOnBadExit = `--kill-on-bad-exit=${plan.hold === true ? '0' : '1'}`;
  const steps =
    plan.components.length === 1
      ? [`srun ${killOnBadExit} --label ${command}`]
      : plan.components.map(
          (component, index) =>
            `--het-group=${String(index)} --ntasks=${String(component.tasks.length)} ${killOnBadExit} --label ${command}`,
        );
  const step = plan.components.length === 1 ? (steps[0] ?? '') : `srun ${steps.join(' \\\n  : ')}`;
  // Holding: restarted nodes run as further steps of this job, so the job must outlive
  // its first step. It ends when the launcher cancels it, or once the launcher's control
  // server stops answering (the launcher died), so no job is left in the queue.
  const run =
    plan.hold === true
      ? [
          step,
          `while timeout 10 bash -c 'exec 3<>"/dev/tcp/$0/$1"' "$${LAUNCHER_HOST_VARIABLE}" "$${LAUNCHER_PORT_VARIABLE}" 2>/dev/null; do`,
          '  sleep 2',
          'done',
        ]
      : [`exec ${step}`];
  lines.push(
    '',
    '# Task i runs entry i of this list: a node, or a colocation of nodes',
    '# (SLURM_PROCID counts across all components).',
    `export ${NODE_IDS_VARIABLE}=${shellQuote(JSON.stringify(tasks))}`,
    ...run,
    '',
  );
  return lines.join('\n');
}
