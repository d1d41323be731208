/**
 * @module
 * {@link openHistory}: a finished, failed or crashed launch reopened from its working
 * directory, as a read-only {@link LaunchView} the same dashboard serves.
 *
 * The files are read as the launcher wrote them or as anything else left them: each is
 * opened only if it is a regular file, read a chunk at a time (so a `metrics.jsonl` of
 * hundreds of MiB reopens), every line checked against its shape (`history-shapes.ts`)
 * and skipped if it does not match; node logs are read from their end, as far as a request
 * asks; node ids from `graph.json` name log files only once they match the id pattern.
 */
import { LaunchpadError } from '../../errors/errors.ts';
import { FileRefused, forEachLine, lastLines, readSmallFile } from '../../internal/regular-file.ts';
import { historyPaths, type MetricsLine } from './history-files.ts';
import { graphOf, parseEvent, parseLogLine, parseMetricsLine } from './history-shapes.ts';
import { checkLaunchRecord, type LaunchRecord } from './launch-record.ts';
import { launcherProcess } from './launcher-process.ts';
import type {
  GraphView,
  LaunchEvent,
  LaunchInfo,
  LaunchOutcome,
  LaunchView,
  MetricsSample,
  NodeRow,
} from './launch-view.ts';
import type { LogLine } from './log-tail.ts';
import { thrownMessage } from '../../errors/thrown.ts';

/** A launch's history, read from its working directory. */
export interface HistoryView extends LaunchView {
  /** The working directory it was read from. */
  readonly workdir: string;
}

/** What a reopened history reads at most. */
export const HISTORY_LIMITS = {
  /** `launch.json` and `graph.json`, in bytes. */
  smallFileBytes: 16 * 1024 * 1024,
  /** One line of `events.jsonl`, `metrics.jsonl` or a log; a longer one is skipped. */
  lineBytes: 4 * 1024 * 1024,
  /** Metric samples kept (one a second: an hour), the latest ones. */
  samples: 3_600,
  /** User series values kept over all samples, the latest ones. */
  sampleValues: 200_000,
  /** Log lines one request returns. */
  logLines: 10_000,
  /** How far back from a log's end a request reads, in bytes. */
  logScanBytes: 64 * 1024 * 1024,
} as const;

/**
 * Reopens the history of the launch whose working directory is `workdir`, read-only.
 * What a launcher killed with SIGKILL wrote up to about half a second before it died is
 * there; such a launch shows as `failed`, ended at the last thing it recorded.
 *
 * @throws LaunchpadError `INVALID_ARGUMENT` when `workdir` holds no launch history, or its
 * `launch.json` or one of its files is not what a launcher writes
 */
export function openHistory(workdir: string): HistoryView {
  const paths = historyPaths(workdir);
  const record = readLaunchRecord(workdir, paths.launch);
  const graph = readGraph(paths.graph);
  const nodeIds = graph.nodes.map((node) => node.id);
  const known = new Set(nodeIds);

  let last: string | undefined;
  const later = (t: string): void => {
    if (last === undefined || t > last) last = t;
  };
  const states = new Map<string, LaunchEvent>();
  readLines(paths.events, (line) => {
    const event = parseEvent(line);
    if (event === undefined) return;
    later(event.t);
    if (event.kind === 'state' && event.nodeId !== undefined && known.has(event.nodeId)) {
      states.set(event.nodeId, event);
    }
  });
  const figures = new Map<string, NodeRow>();
  const samples = new SampleWindow();
  readLines(paths.metrics, (line) => {
    const metrics = parseMetricsLine(line);
    if (metrics === undefined) return;
    later(metrics.t);
    if (known.has(metrics.node.id)) figures.set(metrics.node.id, metrics.node);
    samples.add(metrics);
  });

  const launcher = record.endedAt === undefined ? launcherProcess(record) : undefined;
  const outcome: LaunchOutcome =
    record.outcome ??
    (launcher === 'alive' ? 'running' : launcher === 'elsewhere' ? 'unknown' : 'failed');
  const crashed = launcher === 'gone';
  const info: LaunchInfo = {
    id: record.id,
    programName: record.programName,
    launchType: record.launchType,
    workdir: record.workdir,
    script: record.script,
    pid: record.pid,
    startedAt: record.startedAt,
    ...(record.endedAt !== undefined
      ? { endedAt: record.endedAt }
      : crashed && last !== undefined
        ? { endedAt: last }
        : {}),
    outcome,
    readOnly: true,
  };
  const rows = lastRows(graph, states, figures);
  const kept = samples.samples();
  return {
    workdir,
    launch: () => info,
    nodes: () => rows,
    graph: () => graph,
    nodeIds: () => nodeIds,
    logs: (nodeId, count) => readLog(paths.log(nodeId), count),
    samples: () => kept,
    subscribe: () => () => undefined,
  };
}

function invalid(path: string, why: string): LaunchpadError {
  return new LaunchpadError('INVALID_ARGUMENT', `openHistory: ${path} ${why.replace(/\.$/, '')}.`);
}

function readLaunchRecord(workdir: string, path: string): LaunchRecord {
  let text: string;
  try {
    text = readSmallFile(path, HISTORY_LIMITS.smallFileBytes);
  } catch (error) {
    if (error instanceof FileRefused && error.code === 'ENOENT') {
      throw new LaunchpadError(
        'INVALID_ARGUMENT',
        `openHistory(${JSON.stringify(workdir)}): there is no launch history there (no history/launch.json); give the working directory of a launch.`,
      );
    }
    if (error instanceof FileRefused) throw invalid(path, `cannot be read: ${error.message}`);
    throw error;
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw invalid(path, `is not JSON (${thrownMessage(error)})`);
  }
  const problem = checkLaunchRecord(value, 'history');
  if (problem !== undefined) throw invalid(path, `is not a launch record: ${problem}`);
  return value as LaunchRecord;
}

function readGraph(path: string): GraphView {
  let text: string;
  try {
    text = readSmallFile(path, HISTORY_LIMITS.smallFileBytes);
  } catch (error) {
    if (error instanceof FileRefused && error.code === 'ENOENT') return { nodes: [], edges: [] };
    if (error instanceof FileRefused) throw invalid(path, `cannot be read: ${error.message}`);
    throw error;
  }
  try {
    return graphOf(JSON.parse(text));
  } catch {
    // Half a graph: the history has its other files still.
    return { nodes: [], edges: [] };
  }
}

function readLines(path: string, visit: (line: string) => void): void {
  try {
    forEachLine(path, HISTORY_LIMITS.lineBytes, visit);
  } catch (error) {
    if (error instanceof FileRefused) throw invalid(path, `cannot be read: ${error.message}`);
    throw error;
  }
}

/** The last `count` lines of a node's log (every line kept, up to the limit, for 0). */
function readLog(path: string, count: number): LogLine[] {
  const lines: LogLine[] = [];
  lastLines(path, {
    count: count === 0 ? HISTORY_LIMITS.logLines : Math.min(count, HISTORY_LIMITS.logLines),
    maxLineBytes: HISTORY_LIMITS.lineBytes,
    maxScanBytes: HISTORY_LIMITS.logScanBytes,
    keep: (line) => {
      const parsed = parseLogLine(line);
      if (parsed !== undefined) lines.push(parsed);
      return parsed !== undefined;
    },
  });
  // Found from the end backwards.
  return lines.reverse();
}

/** Each node's last recorded figures, with its last recorded state. */
function lastRows(
  graph: GraphView,
  states: ReadonlyMap<string, LaunchEvent>,
  figures: ReadonlyMap<string, NodeRow>,
): NodeRow[] {
  return graph.nodes.map(({ id, label }) => {
    const row = figures.get(id) ?? {
      id,
      label,
      state: 'starting',
      restarts: 0,
      callsPerSec: 0,
      errors: 0,
    };
    const event = states.get(id);
    return {
      ...row,
      ...(event?.state === undefined ? {} : { state: event.state }),
      ...(event?.restarts === undefined ? {} : { restarts: event.restarts }),
      ...(event?.deathCause === undefined ? {} : { deathCause: event.deathCause }),
      callsPerSec: 0,
    };
  });
}

/** The latest metric samples, one per recorded second, within the history's limits. */
class SampleWindow {
  readonly #byTime = new Map<string, MetricsSample['user'][number][]>();
  #values = 0;

  add(line: MetricsLine): void {
    let user = this.#byTime.get(line.t);
    if (user === undefined) {
      user = [];
      this.#byTime.set(line.t, user);
    }
    // The oldest samples go first (a Map iterates in insertion order), never this one.
    for (const [t, oldest] of this.#byTime) {
      const full =
        this.#byTime.size > HISTORY_LIMITS.samples ||
        this.#values + line.user.length > HISTORY_LIMITS.sampleValues;
      if (!full || oldest === user) break;
      this.#byTime.delete(t);
      this.#values -= oldest.length;
    }
    // What one time alone holds past the bound is not kept.
    const room = Math.max(0, HISTORY_LIMITS.sampleValues - this.#values);
    const added = line.user.length <= room ? line.user : line.user.slice(0, room);
    user.push(...added);
    this.#values += added.length;
  }

  samples(): MetricsSample[] {
    return [...this.#byTime].map(([t, user]) => ({ t, user }));
  }
}
