/**
 * @module
 * Sends a node's metrics to its launcher every period: one report with what changed,
 * over whatever reaches the launcher (the control plane for node processes and threads,
 * a direct call in-process). Nobody scrapes nodes, so a node on a Slurm or Kubernetes
 * host needs no open port for its metrics.
 */
import type { NodeMetricsReport } from '../metrics/report.ts';
import type { NodeMetrics } from '../metrics/node-metrics.ts';

/** Where a node's reports go, and how often. */
export interface MetricsSink {
  /** How often to report, in milliseconds. */
  readonly intervalMs: number;
  /** Delivers one report to the launcher. */
  send(report: NodeMetricsReport): Promise<unknown>;
}

/** A running reporter. */
export interface MetricsReporting {
  /** Stops the timer and sends a last report, so the node's final calls are counted. */
  stop(): Promise<void>;
}

/** Starts reporting `metrics` to `sink` every `sink.intervalMs`. */
export function startMetricsReporting(metrics: NodeMetrics, sink: MetricsSink): MetricsReporting {
  // A report still on its way when the next is due makes that one wait: reports never
  // pile up behind a slow launcher.
  let sending: Promise<void> | undefined;
  const sendOne = (): Promise<void> => {
    sending ??= Promise.resolve()
      // Inside the promise: a report that cannot be made (EMFILE, when the process has
      // no descriptor left) is lost like one that cannot be sent, and never thrown from
      // the timer, where nothing would catch it and the node would end.
      .then(() => sink.send(metrics.report()))
      .then(
        () => undefined,
        // A lost report is not a failure: the next one carries cumulative figures.
        () => undefined,
      )
      .finally(() => {
        sending = undefined;
      });
    return sending;
  };
  const timer = setInterval(() => void sendOne(), sink.intervalMs);
  // Metrics never keep a process alive.
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await sending;
      await sendOne();
      metrics.close();
    },
  };
}
