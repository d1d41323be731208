/**
 * @module
 * The options of the `slurm` launch type: resources per group and how the job is
 * submitted, and their validation against the program.
 */
import { arrayOf, either, integer, object, recordOf, string } from '../../internal/shape.ts';
import { checkOption, optionError } from './option-check.ts';
import type { Program } from '../../model/program.ts';

/** The Slurm resources of every node of one group (each node is one Slurm task). */
export interface SlurmResources {
  /** CPUs per node (`--cpus-per-task`). @default 1 */
  readonly cpus?: number;
  /** Memory per node: megabytes, or a Slurm size such as `'512M'` or `'4G'`. */
  readonly memory?: number | string;
  /** GPUs per node (`--gpus-per-task`). */
  readonly gpus?: number;
  /** Time limit (`--time`): minutes, or a Slurm time such as `'1:30:00'`. */
  readonly time?: number | string;
  /** The partition (`--partition`). */
  readonly partition?: string;
  /** More `sbatch` options for this group, e.g. `['--constraint=avx2']`. */
  readonly sbatchOptions?: readonly string[];
}

/** Options of the `slurm` launch type, under `launch(program, { slurm: {…} })`. */
export interface SlurmOptions {
  /** Resources of every group that {@link SlurmOptions.groups} does not name. */
  readonly defaults?: SlurmResources;
  /** Resources per group label, merged over {@link SlurmOptions.defaults}. */
  readonly groups?: Readonly<Record<string, SlurmResources>>;
  /** The job name. @default `lp-<program name>` */
  readonly jobName?: string;
  /**
   * Where Slurm writes the batch script's own output on the host that runs it. Node
   * output comes back to the launcher either way, so it is discarded by default.
   * @default '/dev/null'
   */
  readonly output?: string;
  /**
   * The interface the launcher's control server binds. Nodes on other hosts must reach
   * it, so a multi-host cluster needs `'0.0.0.0'` (with `advertiseHost`).
   * @default '127.0.0.1'
   */
  readonly controlHost?: string;
  /** The host name nodes use to reach the control server. @default controlHost */
  readonly advertiseHost?: string;
  /** Milliseconds between two `squeue` polls of the job's state. @default 500 */
  readonly pollIntervalMs?: number;
}

/** One group's resources after merging defaults. */
export type ResolvedResources = SlurmResources;

const MEMORY = /^\d+[KMGT]?$/i;
const TIME = /^(\d+-)?\d+(:\d+){0,2}$/;

/** One group's Slurm resources. */
const slurmResourcesShape = object({
  cpus: integer(1),
  memory: either(integer(1), string('', MEMORY), "megabytes or a size like '4G'"),
  gpus: integer(0),
  time: either(integer(1), string('', TIME), "minutes or a time like '1:30:00'"),
  partition: string('a partition name', /^[\w.-]+$/),
  sbatchOptions: arrayOf(
    string("a single-line flag such as '--constraint=x'", /^-[^\n\r]*$/),
    "a list of single-line flags such as '--constraint=x'",
  ),
});

/** Every field of {@link SlurmOptions}. */
const slurmOptionsShape = object({
  defaults: slurmResourcesShape,
  groups: recordOf(slurmResourcesShape),
  jobName: string('a job name', /^[^\n\r]+$/),
  output: string('a file path'),
  controlHost: string('a host name or address'),
  advertiseHost: string('a host name'),
  pollIntervalMs: integer(1),
});

/**
 * Validates `options` against `program` and returns each group's resources.
 *
 * @throws LaunchpadError `INVALID_ARGUMENT` naming the option, or the unknown group
 */
export function resolveGroupResources(
  program: Program,
  options: SlurmOptions,
): Map<string, ResolvedResources> {
  checkOption(slurmOptionsShape, options, 'slurm');
  const labels = [...new Set(program.nodes.map((node) => node.label))];
  const defaults = options.defaults ?? {};
  const groups = options.groups ?? {};
  for (const label of Object.keys(groups)) {
    if (!labels.includes(label)) {
      throw optionError(
        `slurm.groups[${JSON.stringify(label)}]`,
        `names no group of program ${program.name}; its groups are: ${labels.join(', ')}.`,
      );
    }
  }
  return new Map(
    labels.map((label) => {
      const own = groups[label] ?? {};
      const sbatchOptions = [...(defaults.sbatchOptions ?? []), ...(own.sbatchOptions ?? [])];
      return [label, { ...defaults, ...own, sbatchOptions }];
    }),
  );
}
