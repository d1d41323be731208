/**
 * @module
 * `lp.metrics`: counters, gauges and histograms made by node code, reported to the
 * launcher with the node's other metrics and served as `launchpad_user_<name>`.
 */
import { LaunchpadError } from '../errors/errors.ts';
import {
  UserMetrics,
  type MetricCounter,
  type MetricGauge,
  type MetricHistogram,
  type MetricOptions,
} from '../metrics/user-metrics.ts';
import type { UserMetricKind } from '../metrics/report.ts';
import { currentNode } from './node-context.ts';

// Where metrics go when the launch has metrics off: checked as usual, reported nowhere.
const unreported = new Map<string, UserMetrics>();

function metricOf(kind: UserMetricKind, name: string, options: MetricOptions | undefined) {
  const node = currentNode();
  if (node === undefined) {
    throw new LaunchpadError(
      'FAILED_PRECONDITION',
      `lp.metrics.${kind}('${name}') was called outside a node; user metrics belong to a node, so call it from a node's code.`,
    );
  }
  let registry = node.metrics?.user;
  if (registry === undefined) {
    const nodeId = node.context.nodeId;
    registry = unreported.get(nodeId) ?? new UserMetrics(nodeId);
    unreported.set(nodeId, registry);
  }
  return registry.metric(name, kind, options);
}

/**
 * Metrics made by node code. Each call returns the node's metric of that name (made at
 * the first call, the same one after), so it can be called where the value is known.
 * Values reach the launcher within a report period (a second), in `running.metrics()`
 * and at `/metrics`, where a metric `loss` of node `learner/0` is
 * `launchpad_user_loss{node="learner/0"}`.
 *
 * @example
 * ```ts
 * lp.metrics.gauge('episode_return').set(total, { actor: lp.context().nodeId });
 * lp.metrics.counter('episodes_total').inc();
 * lp.metrics.histogram('loss', { buckets: [0.01, 0.1, 1, 10] }).observe(loss);
 * ```
 */
export const metrics = {
  /**
   * A counter: a value that only goes up.
   *
   * @throws LaunchpadError `INVALID_ARGUMENT` for a bad name, or one already used by
   * another kind of metric of this node; `FAILED_PRECONDITION` outside a node
   */
  counter(name: string, options?: MetricOptions): MetricCounter {
    return metricOf('counter', name, options);
  },
  /**
   * A gauge: a value that goes up and down.
   *
   * @throws LaunchpadError as {@link metrics.counter} does
   */
  gauge(name: string, options?: MetricOptions): MetricGauge {
    return metricOf('gauge', name, options);
  },
  /**
   * A histogram over fixed buckets (`options.buckets`, else 0.0005 to 10).
   *
   * @throws LaunchpadError as {@link metrics.counter} does, and for buckets that are not
   * finite and ascending
   */
  histogram(name: string, options?: MetricOptions): MetricHistogram {
    return metricOf('histogram', name, options);
  },
} as const;
