/**
 * @module
 * The options of the `slurm` launch type: resources per group and how the job is
 * submitted, and their validation against the program.
 */
import { arrayOf, either, integer, object, recordOf, string } from '../../../../internal/shape.ts';
import { checkOption, optionError } from '../../../options/option-check.ts';
import type { Program } from '../../../../model/program.ts';
import { parsePortRange } from '../../../../rpc/port-range.ts';

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
   * Where Slurm writes the batch script's own output (every task's output, each line
   * labelled with its task number) on the host that runs it. By default the launcher
   * owns this file: `lp-<program>-<job id>.out` in the working directory, read back when
   * a task ends without reaching the launcher (to show what it printed), deleted when the
   * program ends cleanly and kept, with its path printed, when it fails.
   * @default `<cwd>/lp-<program>-%j.out`
   */
  readonly output?: string;
  /**
   * The address the launcher's control server binds. By default, the address of this
   * machine's interface that routes to the cluster's nodes (loopback when they are all on
   * loopback). `'0.0.0.0'` binds every interface here and on the nodes; a loopback
   * address keeps the nodes on loopback too (a test cluster on this machine).
   */
  readonly controlHost?: string;
  /**
   * The name or address tasks reach the control server by.
   * @default controlHost, or this machine's host name when it binds every interface
   */
  readonly advertiseHost?: string;
  /**
   * A network interface (`'ib0'`, `'eth1'`) to listen on: the launcher binds its address
   * on it (unless `controlHost` is set) and each node the address of its own interface of
   * that name, which must exist on every host.
   */
  readonly interface?: string;
  /**
   * The ports the control server and every node's server listen on, for clusters whose
   * firewall opens only some: `'first-last'`, e.g. `'50000-50999'`.
   * @default ports the OS picks
   */
  readonly ports?: string;
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
  interface: string('a network interface name'),
  ports: string("a port range such as '50000-50999'"),
  pollIntervalMs: integer(1),
});

const HOST = /^[\w.:-]+$/;

// Names and addresses go into the bootstrap as they are: only plausible ones pass.
function checkHostOptions(options: SlurmOptions): void {
  for (const name of ['controlHost', 'advertiseHost', 'interface'] as const) {
    const value = options[name];
    if (value !== undefined && (typeof value !== 'string' || !HOST.test(value))) {
      throw optionError(
        `slurm.${name}`,
        `must be ${name === 'interface' ? 'a network interface name' : 'a host name or address'}, got ${JSON.stringify(value)}.`,
      );
    }
  }
  if (options.ports !== undefined) parsePortRange(options.ports, 'Launch option slurm.ports');
}

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
  checkHostOptions(options);
  return new Map(
    labels.map((label) => {
      const own = groups[label] ?? {};
      const sbatchOptions = [...(defaults.sbatchOptions ?? []), ...(own.sbatchOptions ?? [])];
      return [label, { ...defaults, ...own, sbatchOptions }];
    }),
  );
}

/** The `slurm` section checked: what the Slurm backend receives. */
export interface SlurmLaunch {
  /** The section as given (`{}` when there was none). */
  readonly options: SlurmOptions;
  /** Each group's resources, defaults merged. */
  readonly resources: ReadonlyMap<string, ResolvedResources>;
}
