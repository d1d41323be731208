/**
 * @module
 * Turns a launch's {@link ProgramMetrics} into Prometheus' text exposition format through
 * prom-client. Loaded with `import()` only when `/metrics` is served, so no other launch
 * (and no node) loads prom-client.
 *
 * A fresh registry is filled from the snapshot at each scrape: the figures live in the
 * store, already aggregated by the nodes, so nothing is counted twice.
 */
import { Counter, Gauge, Registry, type Metric } from 'prom-client';
import type { HistogramSnapshot } from '../../metrics/latency-histogram.ts';
import type { MethodSnapshot } from '../../metrics/report.ts';
import type { NodeMetricsView, ProgramMetrics } from './metrics-store.ts';

type Labels = Record<string, string>;

/** The content type of {@link prometheusText}'s output. */
export const PROMETHEUS_CONTENT_TYPE = Registry.PROMETHEUS_CONTENT_TYPE;

/** `metrics` in Prometheus' text exposition format. */
export async function prometheusText(metrics: ProgramMetrics): Promise<string> {
  const registry = new Registry();
  addNodeSeries(registry, metrics.nodes);
  addMethodSeries(registry, 'server', metrics.nodes, (node) =>
    node.server.map((method) => ({ labels: { node: node.nodeId }, method })),
  );
  addMethodSeries(registry, 'client', metrics.nodes, (node) =>
    node.client.flatMap(({ callee, methods }) =>
      methods.map((method) => ({ labels: { node: node.nodeId, callee }, method })),
    ),
  );
  addUserSeries(registry, metrics.nodes);
  return registry.metrics();
}

function gauge(registry: Registry, name: string, help: string, labelNames: string[]): Gauge {
  return new Gauge({ name, help, labelNames, registers: [registry] });
}

function counter(registry: Registry, name: string, help: string, labelNames: string[]): Counter {
  return new Counter({ name, help, labelNames, registers: [registry] });
}

function addNodeSeries(registry: Registry, nodes: readonly NodeMetricsView[]): void {
  const state = gauge(registry, 'launchpad_node_state', 'The node is in this state (1).', [
    'node',
    'state',
  ]);
  const restarts = counter(
    registry,
    'launchpad_node_restarts_total',
    'Times the node was restarted.',
    ['node'],
  );
  const info = gauge(
    registry,
    'launchpad_node_info',
    'Where the node runs (1), with its pid and host as labels.',
    ['node', 'pid', 'host'],
  );
  const figures: [string, string, (node: NonNullable<NodeMetricsView['process']>) => number][] = [
    [
      'launchpad_node_uptime_seconds',
      'Seconds since the node (re)started.',
      (p) => p.uptimeSeconds,
    ],
    [
      'launchpad_node_cpu_utilization',
      'Share of one core the process used over the last period.',
      (p) => p.cpuUtilization,
    ],
    [
      'launchpad_node_resident_memory_bytes',
      'Resident set size of the process.',
      (p) => p.rssBytes,
    ],
    ['launchpad_node_heap_used_bytes', 'JavaScript heap in use.', (p) => p.heapUsedBytes],
    ['launchpad_node_heap_total_bytes', 'JavaScript heap reserved.', (p) => p.heapTotalBytes],
    [
      'launchpad_node_event_loop_delay_p50_seconds',
      'Median event-loop delay over the last period.',
      (p) => p.eventLoopDelay.p50,
    ],
    [
      'launchpad_node_event_loop_delay_p99_seconds',
      '99th percentile event-loop delay over the last period.',
      (p) => p.eventLoopDelay.p99,
    ],
    [
      'launchpad_node_event_loop_delay_max_seconds',
      'Largest event-loop delay over the last period.',
      (p) => p.eventLoopDelay.max,
    ],
    [
      'launchpad_node_event_loop_utilization',
      'Share of the last period the event loop was busy (0 to 1).',
      (p) => p.eventLoopUtilization,
    ],
  ];
  const gauges = figures.map(
    ([name, help, read]) => [gauge(registry, name, help, ['node']), read] as const,
  );
  const cpu = counter(
    registry,
    'launchpad_node_cpu_seconds_total',
    'CPU time (user and system) of the process since the node (re)started.',
    ['node'],
  );
  for (const node of nodes) {
    const labels = { node: node.nodeId };
    state.set({ ...labels, state: node.state }, 1);
    restarts.inc(labels, node.restarts);
    const process = node.process;
    if (process === undefined) continue;
    info.set({ ...labels, pid: String(process.pid), host: process.host }, 1);
    cpu.inc(labels, process.cpuSeconds);
    for (const [metric, read] of gauges) metric.set(labels, read(process));
  }
}

interface LabelledMethod {
  readonly labels: Labels;
  readonly method: MethodSnapshot;
}

function addMethodSeries(
  registry: Registry,
  side: 'server' | 'client',
  nodes: readonly NodeMetricsView[],
  methodsOf: (node: NodeMetricsView) => LabelledMethod[],
): void {
  const names = side === 'server' ? ['node', 'method'] : ['node', 'callee', 'method'];
  const who = side === 'server' ? 'served by the node' : 'made by the node';
  const prefix = `launchpad_${side}`;
  const calls = counter(registry, `${prefix}_calls_total`, `Calls ${who}.`, names);
  const errors = counter(registry, `${prefix}_errors_total`, `Failed calls ${who}, by code.`, [
    ...names,
    'code',
  ]);
  const inFlight = gauge(registry, `${prefix}_calls_in_flight`, `Calls ${who} not ended.`, names);
  const received = counter(
    registry,
    `${prefix}_received_bytes_total`,
    `Bytes of the frames received for calls ${who}.`,
    names,
  );
  const sent = counter(
    registry,
    `${prefix}_sent_bytes_total`,
    `Bytes of the frames sent for calls ${who}.`,
    names,
  );
  const latency = new SnapshotHistogram(
    `${prefix}_call_duration_seconds`,
    `Duration of calls ${who}, seconds.`,
  );
  registry.registerMetric(latency as unknown as Metric);
  for (const node of nodes) {
    for (const { labels: base, method } of methodsOf(node)) {
      const labels = { ...base, method: method.method };
      calls.inc(labels, method.calls);
      inFlight.set(labels, method.inFlight);
      received.inc(labels, method.bytesReceived);
      sent.inc(labels, method.bytesSent);
      for (const [code, count] of Object.entries(method.errors)) {
        errors.inc({ ...labels, code }, count);
      }
      latency.add(labels, method.latency);
    }
  }
}

function addUserSeries(registry: Registry, nodes: readonly NodeMetricsView[]): void {
  // One metric per name: the kind and help of the first node that reported it.
  const byName = new Map<
    string,
    {
      kind: string;
      help: string;
      series: { labels: Labels; value?: number; histogram?: HistogramSnapshot }[];
    }
  >();
  for (const node of nodes) {
    for (const metric of node.user) {
      let entry = byName.get(metric.name);
      if (entry === undefined) {
        entry = { kind: metric.kind, help: metric.help, series: [] };
        byName.set(metric.name, entry);
      }
      if (entry.kind !== metric.kind) continue;
      for (const series of metric.series) {
        entry.series.push({ ...series, labels: { ...series.labels, node: node.nodeId } });
      }
    }
  }
  for (const [name, { kind, help, series }] of byName) {
    const fullName = `launchpad_user_${name}`;
    if (kind === 'histogram') {
      const histogram = new SnapshotHistogram(fullName, help);
      registry.registerMetric(histogram as unknown as Metric);
      for (const one of series) {
        if (one.histogram !== undefined) histogram.add(one.labels, one.histogram);
      }
      continue;
    }
    const labelNames = [...new Set(series.flatMap((one) => Object.keys(one.labels)))];
    const metric =
      kind === 'counter'
        ? counter(registry, fullName, help, labelNames)
        : gauge(registry, fullName, help, labelNames);
    for (const one of series) {
      if (metric instanceof Counter) metric.inc(one.labels, one.value ?? 0);
      else metric.set(one.labels, one.value ?? 0);
    }
  }
}

/**
 * A histogram whose buckets come already counted from the nodes. prom-client's own
 * `Histogram` can only observe values one by one, so this one implements the `get()` its
 * registry reads, in the shape prom-client's histograms give it (`_bucket` with `le`,
 * `_sum`, `_count`).
 */
class SnapshotHistogram {
  readonly name: string;
  readonly help: string;
  readonly type = 'histogram';
  readonly aggregator = 'sum';
  readonly #values: {
    metricName: string;
    labels: Record<string, string | number>;
    value: number;
  }[] = [];

  constructor(name: string, help: string) {
    this.name = name;
    this.help = help;
  }

  add(labels: Labels, histogram: HistogramSnapshot): void {
    let cumulative = 0;
    histogram.bounds.forEach((bound, index) => {
      cumulative += histogram.counts[index] ?? 0;
      this.#values.push({
        metricName: `${this.name}_bucket`,
        labels: { ...labels, le: bound },
        value: cumulative,
      });
    });
    this.#values.push({
      metricName: `${this.name}_bucket`,
      labels: { ...labels, le: '+Inf' },
      value: histogram.count,
    });
    this.#values.push({ metricName: `${this.name}_sum`, labels, value: histogram.sum });
    this.#values.push({ metricName: `${this.name}_count`, labels, value: histogram.count });
  }

  get(): Promise<{
    name: string;
    help: string;
    type: string;
    aggregator: string;
    values: unknown[];
  }> {
    return Promise.resolve({
      name: this.name,
      help: this.help,
      type: this.type,
      aggregator: this.aggregator,
      values: this.#values,
    });
  }
}
