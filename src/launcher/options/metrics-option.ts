/**
 * @module
 * The metrics options: `metrics` (record or not), `metricsPort` or the flag
 * `--lp_metrics_port` (serve `/metrics` for Prometheus), and `LP_METRICS=0` (record
 * nothing, for overhead measurements).
 */
import { describeThrown, LaunchpadError } from '../../errors/errors.ts';
import { USER_VARIABLES } from '../../internal/environment.ts';

/** The metrics options, checked. */
export interface ResolvedMetricsOptions {
  /** Whether nodes record and report metrics. */
  readonly metrics: boolean;
  /** The port `/metrics` is served on (0: a free one), or undefined to serve nothing. */
  readonly metricsPort: number | undefined;
}

/**
 * Checks the metrics options: `metrics` from the option, else `LP_METRICS` (`0` turns
 * recording off), else on; `metricsPort` from the option, else `--lp_metrics_port`
 * (`flagPort`, as {@link launchFlags} read it).
 */
export function resolveMetricsOptions(
  options: { readonly metrics?: unknown; readonly metricsPort?: unknown },
  flagPort: string | undefined,
  environment: NodeJS.ProcessEnv,
): ResolvedMetricsOptions {
  if (options.metrics !== undefined && typeof options.metrics !== 'boolean') {
    throw new LaunchpadError(
      'INVALID_ARGUMENT',
      `Expected launch option \`metrics\` to be true or false, got ${describeThrown(options.metrics)}.`,
    );
  }
  const metrics = options.metrics ?? environment[USER_VARIABLES.metrics] !== '0';
  const port = options.metricsPort ?? flagPort;
  if (port === undefined) return { metrics, metricsPort: undefined };
  const number = typeof port === 'string' ? Number(port) : port;
  if (typeof number !== 'number' || !Number.isInteger(number) || number < 0 || number > 65_535) {
    const source =
      options.metricsPort === undefined ? '--lp_metrics_port' : 'launch option `metricsPort`';
    throw new LaunchpadError(
      'INVALID_ARGUMENT',
      `Expected ${source} to be a port number from 0 (any free port) to 65535, got ${describeThrown(port)}.`,
    );
  }
  if (!metrics) {
    throw new LaunchpadError(
      'INVALID_ARGUMENT',
      'Launch option `metricsPort` asks to serve metrics, but `metrics` is false (or LP_METRICS=0): nothing would be recorded.',
    );
  }
  return { metrics, metricsPort: number };
}
