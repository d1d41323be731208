/**
 * @module
 * The options of `launch()` and their validation.
 */
import type { Writable } from 'node:stream';
import { boolean, must, nonNegative, object, recordOf, string } from '../../internal/shape.ts';
import { checkOption } from './option-check.ts';
import { localResourcesShape, restartShape } from './option-shapes.ts';
import { DEFAULT_MAX_MESSAGE_BYTES } from '../../rpc/codec.ts';
import type { RestartPolicies } from './restart-policy.ts';
import { resolveMetricsOptions } from './metrics-option.ts';
import { resolveTracingOption } from './tracing-option.ts';
import { resolveTimeLimit } from './time-limit-option.ts';
import { resolveDashboardOption, type ResolvedDashboardOption } from './dashboard-option.ts';
import { launchFlags } from './launch-flags.ts';
import {
  DEFAULT_OUTPUT_MODE,
  outputModeNamed,
  outputModeShape,
  type LaunchpadOutputMode,
  type OutputMode,
} from './output-mode.ts';
import type { LocalResources } from '../../protocol/local-resources.ts';
import { readVariable, USER_VARIABLES } from '../../internal/environment.ts';
import type { LaunchType } from './launch-types.ts';
import type { KubernetesOptions } from '../backends/kubernetes/descriptor/kubernetes-options.ts';
import type { SlurmOptions } from '../backends/slurm/descriptor/slurm-options.ts';

export type { LocalResources } from '../../protocol/local-resources.ts';

export type { OutputMode } from './output-mode.ts';

/** Options for `launch()`. Every field is optional. */
export interface LaunchOptions {
  /**
   * How to run the program: `in-process`, `threads`, `processes`, `slurm`, `kubernetes`,
   * or a Launchpad alias (`test_mt`, `local_mt`, `in_process`, `local_mp`, `test_mp`).
   * When unset: `--lp_launch_type`, then `LP_LAUNCH_TYPE`, then `processes`.
   */
  readonly launchType?: LaunchType | 'test_mt' | 'in_process' | 'local_mt' | 'local_mp' | 'test_mp';
  /**
   * Milliseconds between the stop signal and killing the nodes still running.
   * @default 10000
   */
  readonly terminationGraceMs?: number;
  /**
   * The launch's working directory, readable by nodes through `lp.context().workdir`.
   * @default a new directory under `<OS temp directory>/launchpad-ts-<uid>`, the user's own (0700)
   */
  readonly workdir?: string;
  /**
   * The largest RPC message, in bytes, in either direction.
   * @default 1 GiB
   */
  readonly maxMessageBytes?: number;
  /**
   * Restart policy for every node, or by group label or node id (a node id wins).
   * @default { mode: 'never' }
   */
  readonly restart?: RestartPolicies;
  /** Local resources (environment, Node flags, working directory) by group label or node id. */
  readonly resources?: Readonly<Record<string, LocalResources>>;
  /**
   * Where the output of local nodes goes. Also set by `LP_OUTPUT` (or Launchpad's
   * `LAUNCHPAD_LAUNCH_LOCAL_TERMINAL`).
   * @default 'current-terminal'
   */
  readonly output?: OutputMode | LaunchpadOutputMode;
  /** Where node processes' standard output goes, prefixed by node id. @default process.stdout */
  readonly stdout?: Writable;
  /**
   * Where node processes' standard error goes, prefixed by node id, and every message of
   * the launcher itself (a node failed, the time limit, Ctrl-C). @default process.stderr
   */
  readonly stderr?: Writable;
  /** Resources and submission options of the `slurm` launch type. */
  readonly slurm?: SlurmOptions;
  /** Images, resources and cluster options of the `kubernetes` launch type. */
  readonly kubernetes?: KubernetesOptions;
  /**
   * Cluster launch types only: show what would be submitted (the Slurm batch script, the
   * Kubernetes manifests) and submit nothing. Also set by `--lp_dry_run` or `LP_DRY_RUN=1`.
   * @default false
   */
  readonly dryRun?: boolean;
  /**
   * Stops the program cleanly (as `stop()` does) once this many milliseconds have passed
   * since the launch, and says so on standard error; `wait()` then resolves, and
   * `running.stoppedByTimeLimit` is true. Also set by `--lp_time_limit=<seconds>` (or
   * `90s`, `5m`, `500ms`).
   * @default no limit
   */
  readonly timeLimitMs?: number;
  /**
   * Record and report metrics: every call's count, errors, latency and bytes on both
   * sides, each node's process figures, and `lp.metrics` from node code; read them with
   * `running.metrics()`. `false` records nothing (also `LP_METRICS=0`). See
   * docs/observability.md. @default true
   */
  readonly metrics?: boolean;
  /**
   * Serve every metric at `http://127.0.0.1:<port>/metrics` in Prometheus' text format
   * (0 picks a free port; the launcher prints the URL). Also set by `--lp_metrics_port`
   * (`--lp_metrics_port=9464`, or alone for a free port).
   * @default not served
   */
  readonly metricsPort?: number;
  /**
   * Trace calls with OpenTelemetry: a client span per call a node (or the launcher)
   * makes and a server span per call it handles, with W3C trace context carried in the
   * call, so one trace follows a request across nodes. Spans go to the SDK that each
   * node's code registers; needs `@opentelemetry/api`. Also `LP_TRACING=1`. See
   * docs/observability.md. @default false
   */
  readonly tracing?: boolean;
  /**
   * Print the URL of the launch's live dashboard (`true`: any free port; a number: that
   * port on 127.0.0.1). Every launch serves its launch API, behind a per-launch token,
   * whatever this says; read the URL with `running.dashboardUrl()`. Also set by
   * `--lp_dashboard` (alone, or `--lp_dashboard=8080`). See docs/observability.md.
   * @default false
   */
  readonly dashboard?: boolean | number;
  /**
   * The Python interpreter that runs the program's Python nodes (`lp.PythonNode`), a
   * command on `PATH` or a path (a venv's `bin/python`). It needs Python ≥ 3.10 with
   * `numpy`; the launcher checks before any node starts. Also set by
   * `--lp_python=PATH`, then `LP_PYTHON`. See docs/python.md.
   * @default 'python3'
   */
  readonly python?: string;
}

/** {@link LaunchOptions} (the launch type's own section aside) with defaults filled in. */
export interface ResolvedLaunchOptions {
  readonly restart: RestartPolicies | undefined;
  readonly resources: Readonly<Record<string, LocalResources>>;
  readonly output: OutputMode;
  readonly terminationGraceMs: number;
  readonly workdir: string | undefined;
  readonly maxMessageBytes: number;
  readonly stdout: Writable;
  readonly stderr: Writable;
  readonly dryRun: boolean;
  readonly timeLimitMs: number | undefined;
  readonly metrics: boolean;
  readonly metricsPort: number | undefined;
  readonly tracing: boolean;
  readonly dashboard: ResolvedDashboardOption;
  readonly python: string;
}

/** The default grace period between stop and kill, as in Launchpad. */
export const DEFAULT_TERMINATION_GRACE_MS = 10_000;

const writable = must(
  'a writable stream',
  (value) => typeof value === 'object' && value !== null && 'write' in value,
);

/** A launch type's own section: checked by that launch type against its own shape. */
const section = must('an object', (value) => typeof value === 'object' && value !== null);

/**
 * Every field of the launch options but the launch types' sections: an unknown one is
 * refused, naming it.
 */
const commonOptionsShape = {
  launchType: string('a launch type name'),
  terminationGraceMs: nonNegative,
  workdir: string('a directory path'),
  maxMessageBytes: nonNegative,
  restart: restartShape,
  resources: recordOf(localResourcesShape),
  output: outputModeShape,
  stdout: writable,
  stderr: writable,
  dryRun: boolean,
  timeLimitMs: must(
    'a positive number of milliseconds',
    (value) => typeof value === 'number' && value > 0,
  ),
  metrics: boolean,
  metricsPort: must(
    'a port number from 0 (any free port) to 65535',
    (value) => Number.isInteger(value) && (value as number) >= 0 && (value as number) <= 65_535,
  ),
  tracing: boolean,
  dashboard: must(
    'true, false or a port number from 0 (any free port) to 65535',
    (value) =>
      typeof value === 'boolean' ||
      (Number.isInteger(value) && (value as number) >= 0 && (value as number) <= 65_535),
  ),
  python: string('a Python interpreter (a command or a path)'),
};

/**
 * Checks the shape of every option (each launch type's own section is an object, which
 * that launch type checks) and fills in defaults.
 *
 * @param sections - the launch types' section names (`slurm`, `kubernetes`)
 * @throws LaunchpadError `INVALID_ARGUMENT` naming the option's path, or an unknown option
 */
export function resolveLaunchOptions(
  options: LaunchOptions,
  sections: readonly string[] = [],
): ResolvedLaunchOptions {
  const shape = object({
    ...commonOptionsShape,
    ...Object.fromEntries(sections.map((name) => [name, section])),
  });
  checkOption(shape, options, '');
  const flags = launchFlags();
  return {
    terminationGraceMs: options.terminationGraceMs ?? DEFAULT_TERMINATION_GRACE_MS,
    workdir: options.workdir,
    maxMessageBytes: options.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES,
    restart: options.restart,
    resources: options.resources ?? {},
    output: resolveOutputMode(options.output),
    stdout: options.stdout ?? process.stdout,
    stderr: options.stderr ?? process.stderr,
    dryRun: options.dryRun ?? flags.dryRun ?? process.env[USER_VARIABLES.dryRun] === '1',
    timeLimitMs: resolveTimeLimit(options.timeLimitMs, flags.timeLimit),
    ...resolveMetricsOptions(options, flags.metricsPort, process.env),
    tracing: resolveTracingOption(options.tracing, process.env),
    dashboard: resolveDashboardOption(options.dashboard, flags.dashboard),
    python: options.python ?? flags.python ?? pythonFromEnvironment(),
  };
}

// An empty LP_PYTHON is unset, as shells write it to clear a variable.
function pythonFromEnvironment(): string {
  return readVariable(USER_VARIABLES.python)?.value ?? 'python3';
}

function resolveOutputMode(option: OutputMode | LaunchpadOutputMode | undefined): OutputMode {
  const fromEnvironment = readVariable(USER_VARIABLES.output);
  const [source, mode] =
    option !== undefined
      ? ['the output option', option]
      : fromEnvironment !== undefined
        ? [fromEnvironment.from, fromEnvironment.value]
        : ['the default', DEFAULT_OUTPUT_MODE];
  return outputModeNamed(mode, source);
}
