/**
 * @module
 * {@link LiveView}: a running launch as the launch API serves it. Once a second it reads
 * every node's metrics (rates, the table, user series) and samples them into the
 * history (a sample holds the user series that changed since the one before); four times a second it looks for node state changes, so a restart shows at
 * once; log lines pass through as they come.
 */
import { hostname } from 'node:os';
import type { ProgramMetrics } from '../metrics/metrics-store.ts';
import type { NodeStatus } from '../session/program-lifecycle.ts';
import type { HistoryWriter } from './history-writer.ts';
import type {
  GraphView,
  LaunchEvent,
  LaunchInfo,
  LaunchOutcome,
  LaunchView,
  MetricsSample,
  NodeRow,
  UserSample,
  ViewUpdate,
} from './launch-view.ts';
import type { LogLine, LogTail } from './log-tail.ts';
import { graphWithRates, measureRates, nodeRow, RateMeter, userSamples } from './node-rows.ts';
import type { ProgramShape } from './program-graph.ts';
import { NOT_REPORTING_AFTER_MS } from './launch-view.ts';

/** What a live view reads of its launch. */
export interface LiveSource {
  /** The launch's fixed facts (outcome and end are the view's). */
  readonly info: Omit<LaunchInfo, 'outcome' | 'readOnly' | 'endedAt'>;
  readonly shape: ProgramShape;
  readonly tail: LogTail;
  /** Every node's state and restarts now. */
  readonly statuses: () => ReadonlyMap<string, NodeStatus>;
  /** Why a node last ended, if it failed. */
  readonly deathCauseOf: (nodeId: string) => string | undefined;
  /** Every node's metrics now; undefined when the launch records none. */
  readonly metrics: (() => ProgramMetrics) | undefined;
  /** Settles when the program has ended; rejects with its failure. */
  readonly done: Promise<void>;
  readonly history: HistoryWriter | undefined;
}

/** How often metrics are sampled, in milliseconds. */
export const SAMPLE_INTERVAL_MS = 1_000;
/** How often node states are compared, in milliseconds. */
export const STATE_INTERVAL_MS = 250;
// Samples kept for a page that opens late: ten minutes at one a second, and no more
// user series in all than this (a sample holds only the series that changed).
const SAMPLES_KEPT = 600;
const MAX_KEPT_SAMPLE_SERIES = 100_000;

/** A running launch, served live. */
export class LiveView implements LaunchView {
  readonly #source: LiveSource;
  readonly #meter = new RateMeter();
  readonly #listeners = new Set<(update: ViewUpdate) => void>();
  readonly #samples: MetricsSample[] = [];
  // The user series in #samples, all samples together.
  #keptSeries = 0;
  // Each user series' value at the last sample, by node, name and labels.
  readonly #lastValues = new Map<string, number>();
  readonly #timers: NodeJS.Timeout[];
  #lastMetrics: ProgramMetrics | undefined;
  #lastStates = new Map<string, string>();
  #lastCauses = new Map<string, string>();
  // When each node last reported (its process figures changed), and when it began running.
  readonly #reports = new Map<string, { readonly uptimeSeconds: number; readonly at: number }>();
  readonly #runningSince = new Map<string, number>();
  #outcome: LaunchOutcome = 'running';
  #endedAt: string | undefined;
  readonly #unsubscribeLogs: () => void;

  /** Starts sampling `source` until {@link LiveView.close}. */
  constructor(source: LiveSource) {
    this.#source = source;
    this.#unsubscribeLogs = source.tail.subscribe((nodeId, line) => {
      source.history?.log(nodeId, line);
      this.#emit({ event: 'log', data: { ...line, nodeId } });
    });
    this.#checkStates();
    this.#timers = [
      setInterval(() => {
        this.#sample();
      }, SAMPLE_INTERVAL_MS),
      setInterval(() => {
        this.#checkStates();
      }, STATE_INTERVAL_MS),
    ];
    for (const timer of this.#timers) timer.unref();
    source.done.then(
      () => {
        this.#end('stopped');
      },
      (error: unknown) => {
        this.#record({
          t: new Date().toISOString(),
          kind: 'failure',
          error: error instanceof Error ? (error.stack ?? error.message) : String(error),
        });
        this.#end('failed');
      },
    );
  }

  /** How the launch ended so far, and when. */
  get outcome(): { readonly outcome: LaunchOutcome; readonly endedAt?: string } {
    return this.#endedAt === undefined
      ? { outcome: this.#outcome }
      : { outcome: this.#outcome, endedAt: this.#endedAt };
  }

  launch(): LaunchInfo {
    return { ...this.#source.info, ...this.outcome, readOnly: false };
  }

  nodes(): readonly NodeRow[] {
    const statuses = this.#source.statuses();
    const now = Date.now();
    const views = new Map((this.#lastMetrics?.nodes ?? []).map((view) => [view.nodeId, view]));
    const shared = sharedProcesses([...views.values()], this.#source.info.pid);
    return this.#source.shape.nodes.map(({ id, label }) => {
      const status = statuses.get(id);
      const deathCause = this.#source.deathCauseOf(id);
      const state = status?.state ?? 'starting';
      const life = {
        state,
        restarts: status?.restarts ?? 0,
        ...(deathCause === undefined ? {} : { deathCause }),
      };
      const view = views.get(id);
      const reporting = state === 'running' ? this.#reportAge(id, view, now) : {};
      // A node whose reports stopped shows no figures: the last ones would pass for live.
      if (view === undefined || reporting.notReporting === true) {
        return { id, label, ...life, callsPerSec: 0, errors: 0, ...reporting };
      }
      const row = nodeRow(view, label, this.#meter);
      // The state is read now; the figures are the last sample's.
      return {
        ...row,
        ...life,
        id,
        label,
        ...(shared.has(processKey(view)) ? { sharedProcess: true as const } : {}),
        ...reporting,
      };
    });
  }

  // How long ago `nodeId` last reported: its process figures change with every report.
  #reportAge(
    nodeId: string,
    view: { readonly process?: { readonly uptimeSeconds: number } } | undefined,
    now: number,
  ): { lastReportAgeMs?: number; notReporting?: true } {
    const uptimeSeconds = view?.process?.uptimeSeconds;
    const last = this.#reports.get(nodeId);
    if (uptimeSeconds !== undefined && last?.uptimeSeconds !== uptimeSeconds) {
      this.#reports.set(nodeId, { uptimeSeconds, at: now });
    }
    const since = Math.max(
      this.#reports.get(nodeId)?.at ?? 0,
      this.#runningSince.get(nodeId) ?? now,
    );
    const lastReportAgeMs = Math.max(0, now - since);
    return lastReportAgeMs > NOT_REPORTING_AFTER_MS
      ? { lastReportAgeMs, notReporting: true }
      : { lastReportAgeMs };
  }

  graph(): GraphView {
    return graphWithRates(this.#source.shape, this.#meter);
  }

  nodeIds(): readonly string[] {
    return this.#source.tail.nodeIds;
  }

  logs(nodeId: string, count: number): readonly LogLine[] {
    return this.#source.tail.tail(nodeId, count);
  }

  samples(): readonly MetricsSample[] {
    return this.#samples;
  }

  subscribe(listener: (update: ViewUpdate) => void): () => void {
    this.#listeners.add(listener);
    return () => {
      this.#listeners.delete(listener);
    };
  }

  /** Stops sampling (after one last sample) and writes what the history holds. */
  close(): void {
    for (const timer of this.#timers) clearInterval(timer);
    this.#unsubscribeLogs();
    this.#checkStates();
    this.#source.history?.close();
  }

  #emit(update: ViewUpdate): void {
    for (const listener of this.#listeners) listener(update);
  }

  #record(event: LaunchEvent): void {
    this.#source.history?.event(event);
  }

  #sample(): void {
    const read = this.#source.metrics;
    const now = Date.now();
    const t = new Date(now).toISOString();
    if (read !== undefined) {
      try {
        this.#lastMetrics = read();
      } catch {
        // A launch that is ending may refuse; the last sample stands.
      }
      if (this.#lastMetrics !== undefined) measureRates(this.#lastMetrics, this.#meter, now);
    }
    const rows = this.nodes();
    const user =
      this.#lastMetrics === undefined ? [] : this.#changed(userSamples(this.#lastMetrics));
    const sample = { t, user };
    this.#samples.push(sample);
    this.#keptSeries += user.length;
    while (
      this.#samples.length > SAMPLES_KEPT ||
      (this.#keptSeries > MAX_KEPT_SAMPLE_SERIES && this.#samples.length > 1)
    ) {
      this.#keptSeries -= this.#samples.shift()?.user.length ?? 0;
    }
    for (const row of rows) {
      this.#source.history?.metrics({
        t,
        node: row,
        user: user.filter((one) => one.node === row.id),
      });
    }
    this.#emit({ event: 'nodes', data: { nodes: rows } });
    this.#emit({ event: 'graph', data: this.graph() });
    this.#emit({ event: 'metrics', data: sample });
  }

  // The series whose value differs from the last sample's, or that are new: a series
  // that holds still is stored once, not once a second.
  #changed(samples: readonly UserSample[]): UserSample[] {
    const changed: UserSample[] = [];
    for (const sample of samples) {
      const key = `${sample.node}\u0000${sample.name}\u0000${JSON.stringify(sample.labels)}`;
      if (this.#lastValues.get(key) === sample.value) continue;
      this.#lastValues.set(key, sample.value);
      changed.push(sample);
    }
    return changed;
  }

  #checkStates(): void {
    const statuses = this.#source.statuses();
    let changed = false;
    const t = new Date().toISOString();
    for (const [nodeId, status] of statuses) {
      const key = `${status.state}/${String(status.restarts)}`;
      const cause = this.#source.deathCauseOf(nodeId);
      if (cause !== undefined && this.#lastCauses.get(nodeId) !== cause) {
        this.#lastCauses.set(nodeId, cause);
        this.#record({ t, kind: 'failure', nodeId, deathCause: cause, restarts: status.restarts });
      }
      if (this.#lastStates.get(nodeId) === key) continue;
      this.#lastStates.set(nodeId, key);
      // A run that begins now has not reported yet: its silence counts from here.
      if (status.state === 'running') this.#runningSince.set(nodeId, Date.now());
      changed = true;
      this.#record({
        t,
        kind: 'state',
        nodeId,
        state: status.state,
        restarts: status.restarts,
        ...(cause === undefined ? {} : { deathCause: cause }),
      });
    }
    if (changed) this.#emit({ event: 'nodes', data: { nodes: this.nodes() } });
  }

  #end(outcome: 'stopped' | 'failed'): void {
    this.#outcome = outcome;
    this.#endedAt = new Date().toISOString();
    this.#checkStates();
    this.#record({ t: this.#endedAt, kind: 'launch', outcome });
    this.#emit({ event: 'launch', data: this.launch() });
  }
}

// A process, wherever it runs: pids repeat across hosts.
function processKey(view: {
  readonly process?: { readonly pid: number; readonly host: string };
}): string {
  return view.process === undefined ? '' : `${view.process.host}\u0000${String(view.process.pid)}`;
}

/**
 * The processes that hold more than one node, or the launcher itself (`in-process`,
 * `threads`, thread colocations): their CPU and memory figures are not one node's.
 */
function sharedProcesses(
  views: readonly { readonly process?: { readonly pid: number; readonly host: string } }[],
  launcherPid: number,
): Set<string> {
  const seen = new Map<string, number>();
  for (const view of views) {
    if (view.process === undefined) continue;
    const key = processKey(view);
    seen.set(key, (seen.get(key) ?? 0) + 1);
  }
  const shared = new Set<string>();
  for (const view of views) {
    const key = processKey(view);
    if (view.process === undefined) continue;
    if (
      (seen.get(key) ?? 0) > 1 ||
      (view.process.pid === launcherPid && view.process.host === hostname())
    ) {
      shared.add(key);
    }
  }
  return shared;
}
