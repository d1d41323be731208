/**
 * @module
 * The launcher's view of every node's metrics: it merges the reports nodes send (each
 * holds only what changed), answers `running.metrics()` and the `/metrics` server, and
 * tells subscribers (the dashboard to come) of each report as it arrives.
 */
import { LaunchpadError } from '../../errors/errors.ts';
import type {
  CalleeSnapshot,
  MethodSnapshot,
  NodeMetricsReport,
  ProcessSnapshot,
  UserMetricKind,
  UserMetricSnapshot,
  UserSeriesSnapshot,
} from '../../metrics/report.ts';
import { MAX_SERIES_PER_METRIC, MAX_SERIES_PER_NODE } from '../../metrics/user-metrics.ts';

/** A node's state as the launcher's lifecycle knows it. */
export interface NodeLifeFacts {
  /** `starting`, `running`, `restarting`, `stopped` or `failed`. */
  readonly state: string;
  /** How many times it was restarted. */
  readonly restarts: number;
  /** The message of the error it last ended with, if any. */
  readonly deathCause?: string;
}

/** Everything known about one node. */
export interface NodeMetricsView extends NodeLifeFacts {
  /** The node's id. */
  readonly nodeId: string;
  /** Its process and event loop, from its last report (absent before the first). */
  readonly process?: ProcessSnapshot;
  /** The methods it serves, with their calls since it last (re)started. */
  readonly server: readonly MethodSnapshot[];
  /** The calls it made, by callee. */
  readonly client: readonly CalleeSnapshot[];
  /** The metrics its code made with `lp.metrics`. */
  readonly user: readonly UserMetricSnapshot[];
}

/** The metrics of a whole launch, as `running.metrics()` returns them. */
export interface ProgramMetrics {
  /** The program's nodes, in the program's order, then `launcher` (its calls to nodes). */
  readonly nodes: readonly NodeMetricsView[];
}

/** How often nodes report their metrics, in milliseconds. */
export const METRICS_INTERVAL_MS = 1_000;

interface UserMetricEntry {
  readonly kind: UserMetricKind;
  readonly help: string;
  readonly series: Map<string, UserSeriesSnapshot>;
}

// The merged reports of one run of one node.
class NodeEntry {
  readonly run: string;
  process: ProcessSnapshot | undefined;
  readonly server = new Map<string, MethodSnapshot>();
  readonly client = new Map<string, Map<string, MethodSnapshot>>();
  readonly user = new Map<string, UserMetricEntry>();
  // The label sets of all its user metrics together.
  userSeries = 0;

  constructor(run: string) {
    this.run = run;
  }

  merge(report: NodeMetricsReport): void {
    this.process = report.process;
    for (const method of report.server) this.server.set(method.method, method);
    for (const { callee, methods } of report.client) {
      let table = this.client.get(callee);
      if (table === undefined) {
        table = new Map<string, MethodSnapshot>();
        this.client.set(callee, table);
      }
      for (const method of methods) table.set(method.method, method);
    }
    for (const metric of report.user) {
      let entry = this.user.get(metric.name);
      if (entry?.kind !== metric.kind) {
        if (entry !== undefined) this.userSeries -= entry.series.size;
        entry = { kind: metric.kind, help: metric.help, series: new Map() };
        this.user.set(metric.name, entry);
      }
      for (const series of metric.series) {
        const key = seriesKey(series.labels);
        if (entry.series.has(key)) {
          entry.series.set(key, series);
          continue;
        }
        // A node bounds its own label sets; these bounds hold whatever a node sends.
        if (entry.series.size >= MAX_SERIES_PER_METRIC || this.userSeries >= MAX_SERIES_PER_NODE) {
          continue;
        }
        entry.series.set(key, series);
        this.userSeries++;
      }
    }
  }
}

function seriesKey(labels: Readonly<Record<string, string>>): string {
  return Object.keys(labels)
    .sort()
    .map((name) => `${name}=${labels[name] ?? ''}`)
    .join('\u0000');
}

/** The launcher's record of every node's metrics. */
export class MetricsStore {
  /** How often nodes report, in milliseconds. */
  readonly intervalMs: number;
  readonly #ids: readonly string[];
  readonly #known: ReadonlySet<string>;
  readonly #nodes = new Map<string, NodeEntry>();
  readonly #listeners = new Set<(report: NodeMetricsReport) => void>();

  /**
   * @param ids - the program's node ids; reports from any other id are refused
   * @param intervalMs - how often nodes report
   */
  constructor(ids: readonly string[], intervalMs: number) {
    this.#ids = ids;
    this.#known = new Set([...ids, 'launcher']);
    this.intervalMs = intervalMs;
  }

  /**
   * Merges a node's report. A report from a new run of the node (it restarted) replaces
   * what the old run reported.
   *
   * @throws LaunchpadError `INVALID_ARGUMENT` for a report of a node not in this launch
   */
  apply(report: NodeMetricsReport): void {
    this.merge(report);
    for (const listener of this.#listeners) listener(report);
  }

  /**
   * Merges a report without telling subscribers: for the launcher's own figures, merged
   * as they are read (a subscriber reading them must not cause another report).
   *
   * @throws LaunchpadError as {@link MetricsStore.apply} does
   */
  merge(report: NodeMetricsReport): void {
    // Reports come over the authenticated control plane; this guards against a stray one.
    if (!this.#known.has(report.nodeId)) {
      throw new LaunchpadError(
        'INVALID_ARGUMENT',
        `reportMetrics: there is no node ${report.nodeId} in this launch.`,
      );
    }
    let entry = this.#nodes.get(report.nodeId);
    if (entry?.run !== report.run) {
      entry = new NodeEntry(report.run);
      this.#nodes.set(report.nodeId, entry);
    }
    entry.merge(report);
  }

  /**
   * Calls `listener` with every report merged from now on; returns the function that
   * unsubscribes it.
   */
  subscribe(listener: (report: NodeMetricsReport) => void): () => void {
    this.#listeners.add(listener);
    return () => {
      this.#listeners.delete(listener);
    };
  }

  /** Every node's figures now, with the state and restarts `life` gives for each. */
  snapshot(life: (nodeId: string) => NodeLifeFacts): ProgramMetrics {
    const nodes: NodeMetricsView[] = [];
    for (const nodeId of [...this.#ids, 'launcher']) {
      const entry = this.#nodes.get(nodeId);
      if (nodeId === 'launcher' && entry === undefined) continue;
      nodes.push({
        nodeId,
        ...life(nodeId),
        ...(entry?.process === undefined ? {} : { process: entry.process }),
        server: [...(entry?.server.values() ?? [])],
        client: [...(entry?.client ?? [])].map(([callee, methods]) => ({
          callee,
          methods: [...methods.values()],
        })),
        user: [...(entry?.user ?? [])].map(([name, metric]) => ({
          name,
          kind: metric.kind,
          help: metric.help,
          series: [...metric.series.values()],
        })),
      });
    }
    return { nodes };
  }
}
