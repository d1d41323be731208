/**
 * @module
 * {@link openHistory}: a finished, failed or crashed launch reopened from its working
 * directory, as a read-only {@link LaunchView} the same dashboard serves.
 */
import { existsSync, readFileSync } from 'node:fs';
import { LaunchpadError } from '../../errors/errors.ts';
import { historyPaths, type MetricsLine } from './history-files.ts';
import type { LaunchRecord } from './launch-record.ts';
import type {
  GraphView,
  LaunchEvent,
  LaunchInfo,
  LaunchView,
  MetricsSample,
  NodeRow,
} from './launch-view.ts';
import type { LogLine } from './log-tail.ts';

/** A launch's history, read from its working directory. */
export interface HistoryView extends LaunchView {
  /** The working directory it was read from. */
  readonly workdir: string;
}

/** Every JSON line of `path` that parses (a launcher killed mid-line leaves half of one). */
function readJsonLines<T>(path: string): T[] {
  if (!existsSync(path)) return [];
  const values: T[] = [];
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    if (line.trim() === '') continue;
    try {
      values.push(JSON.parse(line) as T);
    } catch {
      // The torn last line of a killed launcher.
    }
  }
  return values;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Reopens the history of the launch whose working directory is `workdir`, read-only.
 * What a launcher killed with SIGKILL wrote up to about half a second before it died is
 * there; such a launch shows as `failed`, ended at the last thing it recorded.
 *
 * @throws LaunchpadError `INVALID_ARGUMENT` when `workdir` holds no launch history
 */
export function openHistory(workdir: string): HistoryView {
  const paths = historyPaths(workdir);
  if (!existsSync(paths.launch)) {
    throw new LaunchpadError(
      'INVALID_ARGUMENT',
      `openHistory(${JSON.stringify(workdir)}): there is no launch history there (no history/launch.json); give the working directory of a launch.`,
    );
  }
  const record = JSON.parse(readFileSync(paths.launch, 'utf8')) as LaunchRecord;
  const events = readJsonLines<LaunchEvent>(paths.events);
  const metrics = readJsonLines<MetricsLine>(paths.metrics);
  const graph: GraphView = existsSync(paths.graph)
    ? (JSON.parse(readFileSync(paths.graph, 'utf8')) as GraphView)
    : { nodes: [], edges: [] };
  const nodeIds = graph.nodes.map((node) => node.id);
  const last = [...events.map((event) => event.t), ...metrics.map((line) => line.t)].sort().at(-1);
  const crashed = record.endedAt === undefined && !isAlive(record.pid);
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
    outcome: record.outcome ?? (crashed ? 'failed' : 'running'),
    readOnly: true,
  };
  const rows = lastRows(graph, events, metrics);
  const samples = samplesOf(metrics);
  return {
    workdir,
    launch: () => info,
    nodes: () => rows,
    graph: () => graph,
    nodeIds: () => nodeIds,
    logs: (nodeId, count) => readJsonLines<LogLine>(paths.log(nodeId)).slice(-count || Infinity),
    samples: () => samples,
    subscribe: () => () => undefined,
  };
}

/** Each node's last recorded figures, with its last recorded state. */
function lastRows(
  graph: GraphView,
  events: readonly LaunchEvent[],
  metrics: readonly MetricsLine[],
): NodeRow[] {
  const figures = new Map<string, NodeRow>();
  for (const line of metrics) figures.set(line.node.id, line.node);
  const states = new Map<string, LaunchEvent>();
  for (const event of events) {
    if (event.kind === 'state' && event.nodeId !== undefined) states.set(event.nodeId, event);
  }
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

/** The metric samples, one per second of the launch. */
function samplesOf(metrics: readonly MetricsLine[]): MetricsSample[] {
  const byTime = new Map<string, MetricsSample['user'][number][]>();
  for (const line of metrics) {
    let user = byTime.get(line.t);
    if (user === undefined) {
      user = [];
      byTime.set(line.t, user);
    }
    user.push(...line.user);
  }
  return [...byTime].map(([t, user]) => ({ t, user }));
}
