/**
 * @module
 * The node table and the graph's call rates, from the metrics store's snapshot: counters
 * become rates between two samples, latency histograms become p50 and p99.
 */
import type { HistogramSnapshot } from '../../metrics/latency-histogram.ts';
import type { MethodSnapshot } from '../../metrics/report.ts';
import type { NodeMetricsView, ProgramMetrics } from '../metrics/metrics-store.ts';
import type { GraphView, NodeRow, UserSample } from './launch-view.ts';
import type { ProgramShape } from './program-graph.ts';

/** Turns cumulative counters into per-second rates between successive readings. */
export class RateMeter {
  readonly #last = new Map<string, { readonly total: number; readonly at: number }>();
  readonly #rates = new Map<string, number>();

  /** Records `total` for `key` at `at` (ms); returns the rate since the previous reading. */
  update(key: string, total: number, at: number): number {
    const previous = this.#last.get(key);
    this.#last.set(key, { total, at });
    // A counter that went down belongs to a new run of its node: it starts again from 0.
    const rate =
      previous === undefined || at <= previous.at
        ? (this.#rates.get(key) ?? 0)
        : (Math.max(0, total - (total < previous.total ? 0 : previous.total)) * 1000) /
          (at - previous.at);
    this.#rates.set(key, rate);
    return rate;
  }

  /** The last rate computed for `key`, 0 before any. */
  rate(key: string): number {
    return this.#rates.get(key) ?? 0;
  }
}

/** The value below which a share `q` of the histogram's values fall, in ms (bucket bound). */
export function quantileMs(histogram: HistogramSnapshot, q: number): number | undefined {
  if (histogram.count === 0) return undefined;
  const wanted = q * histogram.count;
  let seen = 0;
  for (let index = 0; index < histogram.counts.length; index++) {
    seen += histogram.counts[index] ?? 0;
    if (seen >= wanted) {
      const bound = histogram.bounds[index] ?? histogram.bounds[histogram.bounds.length - 1];
      return bound === undefined ? undefined : bound * 1000;
    }
  }
  return undefined;
}

function mergedLatency(methods: readonly MethodSnapshot[]): HistogramSnapshot | undefined {
  const first = methods[0];
  if (first === undefined) return undefined;
  const counts = first.latency.counts.map(() => 0);
  let sum = 0;
  let count = 0;
  for (const { latency } of methods) {
    latency.counts.forEach((value, index) => {
      counts[index] = (counts[index] ?? 0) + value;
    });
    sum += latency.sum;
    count += latency.count;
  }
  return { bounds: first.latency.bounds, counts, sum, count };
}

const sumCalls = (methods: readonly MethodSnapshot[]): number =>
  methods.reduce((total, method) => total + method.calls, 0);

const sumErrors = (methods: readonly MethodSnapshot[]): number =>
  methods.reduce(
    (total, method) => total + Object.values(method.errors).reduce((a, b) => a + b, 0),
    0,
  );

/** One row of the node table from what the store knows of the node. */
export function nodeRow(view: NodeMetricsView, label: string, meter: RateMeter): NodeRow {
  const process = view.process;
  const latency = mergedLatency(view.server);
  const p50 = latency === undefined ? undefined : quantileMs(latency, 0.5);
  const p99 = latency === undefined ? undefined : quantileMs(latency, 0.99);
  return {
    id: view.nodeId,
    label,
    state: view.state,
    restarts: view.restarts,
    ...(view.deathCause === undefined ? {} : { deathCause: view.deathCause }),
    ...(process === undefined
      ? {}
      : {
          pid: process.pid,
          host: process.host,
          uptimeMs: Math.round(process.uptimeSeconds * 1000),
          cpuPercent: process.cpuUtilization * 100,
          rssBytes: process.rssBytes,
          heapUsedBytes: process.heapUsedBytes,
          eventLoopUtilization: process.eventLoopUtilization,
          eventLoopDelayMs: process.eventLoopDelay.p99 * 1000,
        }),
    callsPerSec: meter.rate(`node:${view.nodeId}`),
    ...(p50 === undefined ? {} : { p50Ms: p50 }),
    ...(p99 === undefined ? {} : { p99Ms: p99 }),
    errors: sumErrors(view.server),
  };
}

/** Feeds `meter` every counter the table and graph show rates of, as of `at` (ms). */
export function measureRates(metrics: ProgramMetrics, meter: RateMeter, at: number): void {
  for (const node of metrics.nodes) {
    meter.update(`node:${node.nodeId}`, sumCalls(node.server), at);
    for (const { callee, methods } of node.client) {
      meter.update(`edge:${node.nodeId}\u0000${callee}`, sumCalls(methods), at);
    }
  }
}

/** The program's graph with the call rates `meter` last measured. */
export function graphWithRates(shape: ProgramShape, meter: RateMeter): GraphView {
  return {
    nodes: shape.nodes,
    edges: shape.edges.map(({ from, to }) => ({
      from,
      to,
      callsPerSec: meter.rate(`edge:${from}\u0000${to}`),
    })),
  };
}

/** Every counter and gauge that node code made with `lp.metrics`. */
export function userSamples(metrics: ProgramMetrics): UserSample[] {
  const samples: UserSample[] = [];
  for (const node of metrics.nodes) {
    for (const metric of node.user) {
      if (metric.kind === 'histogram') continue;
      for (const series of metric.series) {
        if (series.value === undefined) continue;
        samples.push({
          node: node.nodeId,
          name: metric.name,
          kind: metric.kind,
          labels: series.labels,
          value: series.value,
        });
      }
    }
  }
  return samples;
}
