/**
 * @module
 * What a node sends its launcher about itself, every report period: plain data that
 * MessagePack carries as it is. Counters are cumulative since the node (re)started, so a
 * lost or repeated report never skews a figure; a report holds only the methods and user
 * series that changed since the previous one.
 */
import type { HistogramSnapshot } from './latency-histogram.ts';

/** One method's calls, from one side. */
export interface MethodSnapshot {
  /** The method's name. */
  readonly method: string;
  /** Calls started. */
  readonly calls: number;
  /** Calls started and not yet ended. */
  readonly inFlight: number;
  /** Calls that failed, by error code (`DEADLINE_EXCEEDED`, `UNKNOWN`, …). */
  readonly errors: Readonly<Record<string, number>>;
  /** Bytes of the frames this side received for these calls. */
  readonly bytesReceived: number;
  /** Bytes of the frames this side sent for these calls. */
  readonly bytesSent: number;
  /** Latency of ended calls, in seconds. */
  readonly latency: HistogramSnapshot;
}

/** The client side of a node's calls to one callee. */
export interface CalleeSnapshot {
  /** The node called (`launcher` for the control plane). */
  readonly callee: string;
  /** Its methods that changed. */
  readonly methods: readonly MethodSnapshot[];
}

/** The process and event loop a node runs on. */
export interface ProcessSnapshot {
  /** The process id. */
  readonly pid: number;
  /** The host name. */
  readonly host: string;
  /** Seconds since the node started. */
  readonly uptimeSeconds: number;
  /** CPU time of the process (user + system) since it started, in seconds. */
  readonly cpuSeconds: number;
  /** The process's share of one core over the last period (1 = one core busy). */
  readonly cpuUtilization: number;
  /** Resident set size of the process, bytes. */
  readonly rssBytes: number;
  /** JavaScript heap in use by the node's isolate, bytes. */
  readonly heapUsedBytes: number;
  /** JavaScript heap reserved by the node's isolate, bytes. */
  readonly heapTotalBytes: number;
  /** Event-loop delay over the last period, seconds: mean, p50, p99, max. */
  readonly eventLoopDelay: {
    readonly mean: number;
    readonly p50: number;
    readonly p99: number;
    readonly max: number;
  };
  /** Share of the last period the event loop was busy, 0–1. */
  readonly eventLoopUtilization: number;
}

/** The kinds of user metric. */
export type UserMetricKind = 'counter' | 'gauge' | 'histogram';

/** One label set of a user metric. */
export interface UserSeriesSnapshot {
  /** Its labels. */
  readonly labels: Readonly<Record<string, string>>;
  /** A counter's or gauge's value. */
  readonly value?: number;
  /** A histogram's state. */
  readonly histogram?: HistogramSnapshot;
}

/** A metric made by node code with `lp.metrics`. */
export interface UserMetricSnapshot {
  /** Its name as the node gave it (served as `launchpad_user_<name>`). */
  readonly name: string;
  /** Counter, gauge or histogram. */
  readonly kind: UserMetricKind;
  /** Its description. */
  readonly help: string;
  /** Its label sets that changed. */
  readonly series: readonly UserSeriesSnapshot[];
}

/** One report from a node to its launcher. */
export interface NodeMetricsReport {
  /** The reporting node. */
  readonly nodeId: string;
  /**
   * Identifies this run of the node: a restarted node starts a new run, whose counters
   * start from zero again (as a restarted process's do in Prometheus).
   */
  readonly run: string;
  /** The node's process and event loop. */
  readonly process: ProcessSnapshot;
  /** Methods the node serves that changed. */
  readonly server: readonly MethodSnapshot[];
  /** Calls the node made that changed, by callee. */
  readonly client: readonly CalleeSnapshot[];
  /** User metrics that changed. */
  readonly user: readonly UserMetricSnapshot[];
}
