/**
 * @module
 * What the launch API serves, as plain data in the shapes of its routes, and
 * {@link LaunchView}: one source of it. A running launch is one source (`live-view.ts`), a
 * reopened history another (`history-view.ts`); the HTTP server does not know which.
 */
import type { LogLine } from './log-tail.ts';

/**
 * How a launch ended, or that it has not. `unknown`: a reopened history that recorded no
 * end, whose launcher ran on another host, so whether it still runs cannot be told here.
 */
export type LaunchOutcome = 'running' | 'stopped' | 'failed' | 'unknown';

/** `GET /api/launch`. */
export interface LaunchInfo {
  readonly id: string;
  readonly programName: string;
  readonly launchType: string;
  readonly workdir: string;
  /** The main script (its path or URL), when known. */
  readonly script: string;
  /** The launcher's process id. */
  readonly pid: number;
  /** ISO 8601. */
  readonly startedAt: string;
  /** ISO 8601, once the launch has ended. */
  readonly endedAt?: string;
  readonly outcome: LaunchOutcome;
  /** True for a reopened history: nothing can be acted on. */
  readonly readOnly: boolean;
}

/** How long a running node may go without a metrics report before it is not reporting, ms. */
export const NOT_REPORTING_AFTER_MS = 5_000;

/** One row of `GET /api/nodes`. */
export interface NodeRow {
  readonly id: string;
  readonly label: string;
  readonly state: string;
  readonly restarts: number;
  readonly deathCause?: string;
  readonly pid?: number;
  readonly host?: string;
  readonly uptimeMs?: number;
  /** Percent of one core. */
  readonly cpuPercent?: number;
  readonly rssBytes?: number;
  /** The JavaScript heap of the node's own isolate (its thread's, under `threads`). */
  readonly heapUsedBytes?: number;
  /** 0 to 1, of the node's own event loop (its thread's). */
  readonly eventLoopUtilization?: number;
  /** The p99 of the node's event-loop delay over its last report's period, ms. */
  readonly eventLoopDelayMs?: number;
  /**
   * True when the node shares its process with other nodes or the launcher (`in-process`,
   * `threads`, a thread colocation): `pid`, `cpuPercent` and `rssBytes` are then the whole
   * process's, not the node's; `heapUsedBytes` and `eventLoopUtilization` stay its own.
   */
  readonly sharedProcess?: true;
  /** For a running node: how long ago its last metrics report came (or it started, if none). */
  readonly lastReportAgeMs?: number;
  /**
   * True for a running node whose reports stopped (none for {@link NOT_REPORTING_AFTER_MS}):
   * its event loop is blocked, or it is cut off; its figures are then stale and left out.
   */
  readonly notReporting?: true;
  /** Calls the node served per second, over the last sample period. */
  readonly callsPerSec: number;
  readonly p50Ms?: number;
  readonly p99Ms?: number;
  /** Calls the node served that failed, since it (re)started. */
  readonly errors: number;
}

/** `GET /api/graph`. */
export interface GraphView {
  readonly nodes: readonly {
    readonly id: string;
    readonly label: string;
    readonly colocation?: string;
  }[];
  readonly edges: readonly {
    readonly from: string;
    readonly to: string;
    readonly callsPerSec: number;
  }[];
}

/** One user series value: a counter's or gauge's, with its labels. */
export interface UserSample {
  readonly node: string;
  readonly name: string;
  readonly kind: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

/** One sample of the user metrics (and call rates) at one time: the `metrics` event. */
export interface MetricsSample {
  /** ISO 8601. */
  readonly t: string;
  readonly user: readonly UserSample[];
}

/** What happened to a node: a line of `history/events.jsonl`. */
export interface LaunchEvent {
  /** ISO 8601. */
  readonly t: string;
  readonly kind: 'state' | 'failure' | 'launch';
  readonly nodeId?: string;
  readonly state?: string;
  readonly restarts?: number;
  readonly deathCause?: string;
  /** A failure's whole message, stacks included. */
  readonly error?: string;
  readonly outcome?: LaunchOutcome;
}

/** A live update of the page (`GET /api/events`). */
export type ViewUpdate =
  | { readonly event: 'nodes'; readonly data: { readonly nodes: readonly NodeRow[] } }
  | { readonly event: 'graph'; readonly data: GraphView }
  | { readonly event: 'metrics'; readonly data: MetricsSample }
  | { readonly event: 'log'; readonly data: LogLine & { readonly nodeId: string } }
  | { readonly event: 'launch'; readonly data: LaunchInfo };

/** A launch, live or reopened, as the launch API reads it. */
export interface LaunchView {
  launch(): LaunchInfo;
  nodes(): readonly NodeRow[];
  graph(): GraphView;
  /** Every node id, in the program's order. */
  nodeIds(): readonly string[];
  /** The last `count` lines of `nodeId`. */
  logs(nodeId: string, count: number): readonly LogLine[];
  /** The metric samples kept, oldest first (for a page that just opened). */
  samples(): readonly MetricsSample[];
  /** Calls `listener` with every update from now on; returns the unsubscribe. */
  subscribe(listener: (update: ViewUpdate) => void): () => void;
}
