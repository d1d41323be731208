/**
 * @module
 * The shapes a history's lines must have to be read: a line of `events.jsonl`,
 * `metrics.jsonl` or a node's log, and `graph.json`. A history is a folder of files that
 * anything may have written (a launcher killed mid-line, a disk that filled, another
 * program, a hand), so the reader checks every line and skips one that is not what the
 * launcher writes, rather than trust it and fail on a `null` or a missing field later.
 * Fields the reader does not use are not checked, so a newer launcher's lines still read.
 */
import {
  arrayOf,
  integer,
  must,
  objectWithFields,
  oneOf,
  recordOf,
  ShapeError,
  string,
  type Check,
} from '../../internal/shape.ts';
import { NODE_ID_PATTERN } from '../../model/program.ts';
import type { GraphView, LaunchEvent } from './launch-view.ts';
import type { MetricsLine } from './history-files.ts';
import type { LogLine } from './log-tail.ts';

const finite: Check = must('a finite number', (value) => Number.isFinite(value));
const count: Check = integer();
const text: Check = string();

const eventShape = objectWithFields(
  {
    t: text,
    kind: oneOf(['state', 'failure', 'launch']),
    nodeId: text,
    state: text,
    restarts: count,
    deathCause: text,
    error: text,
    outcome: oneOf(['running', 'stopped', 'failed', 'unknown']),
  },
  ['t', 'kind'],
);

const rowShape = objectWithFields(
  {
    id: text,
    label: text,
    state: text,
    restarts: count,
    deathCause: text,
    pid: count,
    host: text,
    uptimeMs: finite,
    cpuPercent: finite,
    rssBytes: finite,
    heapUsedBytes: finite,
    eventLoopUtilization: finite,
    callsPerSec: finite,
    p50Ms: finite,
    p99Ms: finite,
    errors: finite,
  },
  ['id', 'label', 'state', 'restarts', 'callsPerSec', 'errors'],
);

const userSampleShape = objectWithFields(
  { node: text, name: text, kind: text, labels: recordOf(text), value: finite },
  ['node', 'name', 'kind', 'labels', 'value'],
);

const metricsLineShape = objectWithFields(
  { t: text, node: rowShape, user: arrayOf(userSampleShape) },
  ['t', 'node', 'user'],
);

const logLineShape = objectWithFields({ t: text, stream: oneOf(['stdout', 'stderr']), text }, [
  't',
  'stream',
  'text',
]);

const nodeIdShape = string('a node id (label/index)', NODE_ID_PATTERN);
const graphNodeShape = objectWithFields({ id: nodeIdShape, label: text, colocation: text }, [
  'id',
  'label',
]);
const graphEdgeShape = objectWithFields({ from: text, to: text, callsPerSec: finite }, [
  'from',
  'to',
]);

function passes(check: Check, value: unknown): boolean {
  try {
    check(value, '');
    return true;
  } catch (error) {
    if (error instanceof ShapeError) return false;
    throw error;
  }
}

/** The line as a value of `check`'s shape, or undefined when it is not JSON of it. */
function parsed<T>(check: Check, line: string): T | undefined {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    // The torn last line of a killed launcher, or not JSON at all.
    return undefined;
  }
  return passes(check, value) ? (value as T) : undefined;
}

/** A line of `events.jsonl`, or undefined when it is not one. */
export const parseEvent = (line: string): LaunchEvent | undefined =>
  parsed<LaunchEvent>(eventShape, line);

/** A line of `metrics.jsonl`, or undefined when it is not one. */
export const parseMetricsLine = (line: string): MetricsLine | undefined =>
  parsed<MetricsLine>(metricsLineShape, line);

/** A line of a node's log, or undefined when it is not one. */
export const parseLogLine = (line: string): LogLine | undefined =>
  parsed<LogLine>(logLineShape, line);

/**
 * The graph in `value` (parsed `graph.json`), keeping only the nodes whose id is a node id
 * (the rest would name files) and the edges between them; anything else is an empty graph.
 */
export function graphOf(value: unknown): GraphView {
  if (typeof value !== 'object' || value === null) return { nodes: [], edges: [] };
  const { nodes, edges } = value as { nodes?: unknown; edges?: unknown };
  const seen = new Set<string>();
  const kept: GraphView['nodes'][number][] = [];
  for (const node of Array.isArray(nodes) ? (nodes as unknown[]) : []) {
    if (!passes(graphNodeShape, node)) continue;
    const { id, label, colocation } = node as GraphView['nodes'][number];
    if (seen.has(id)) continue;
    seen.add(id);
    kept.push({ id, label, ...(colocation === undefined ? {} : { colocation }) });
  }
  const links: GraphView['edges'][number][] = [];
  for (const edge of Array.isArray(edges) ? (edges as unknown[]) : []) {
    if (!passes(graphEdgeShape, edge)) continue;
    const { from, to, callsPerSec } = edge as { from: string; to: string; callsPerSec?: number };
    if (seen.has(from) && seen.has(to)) links.push({ from, to, callsPerSec: callsPerSec ?? 0 });
  }
  return { nodes: kept, edges: links };
}
