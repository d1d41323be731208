/**
 * @module
 * The shapes a history's lines must have to be read: a line of `events.jsonl`,
 * `metrics.jsonl` or a node's log, and `graph.json`. A history is a folder of files that
 * anything may have written (a launcher killed mid-line, a disk that filled, another
 * program, a hand), so the reader checks every line and skips one that is not what the
 * launcher writes, rather than trust it and fail on a `null` or a missing field later.
 * Fields the reader does not use are not checked, so a newer launcher's lines still read.
 *
 * The checks are plain predicates rather than `internal/shape.ts` tables: they run once
 * per line of files that reach hundreds of MiB, and need no error wording (a bad line is
 * skipped, not reported).
 */
import { NODE_ID_PATTERN } from '../../model/program.ts';
import type { GraphView, LaunchEvent, NodeRow, UserSample } from './launch-view.ts';
import type { MetricsLine } from './history-files.ts';
import type { LogLine } from './log-tail.ts';

type Fields = Record<string, unknown>;

const isObject = (value: unknown): value is Fields =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const isText = (value: unknown): value is string => typeof value === 'string';
const isCount = (value: unknown): boolean => Number.isSafeInteger(value) && (value as number) >= 0;
const isFinite = (value: unknown): boolean => Number.isFinite(value);
/** Absent, or passes `test`. */
const optional = (value: unknown, test: (value: unknown) => boolean): boolean =>
  value === undefined || test(value);

const EVENT_KINDS: readonly unknown[] = ['state', 'failure', 'launch'];
const OUTCOMES: readonly unknown[] = ['running', 'stopped', 'failed', 'unknown'];
const STREAMS: readonly unknown[] = ['stdout', 'stderr'];
const ROW_FIGURES = [
  'uptimeMs',
  'cpuPercent',
  'rssBytes',
  'heapUsedBytes',
  'eventLoopUtilization',
  'p50Ms',
  'p99Ms',
] as const;

function isEvent(value: unknown): value is LaunchEvent {
  return (
    isObject(value) &&
    isText(value['t']) &&
    EVENT_KINDS.includes(value['kind']) &&
    optional(value['nodeId'], isText) &&
    optional(value['state'], isText) &&
    optional(value['restarts'], isCount) &&
    optional(value['deathCause'], isText) &&
    optional(value['error'], isText) &&
    optional(value['outcome'], (outcome) => OUTCOMES.includes(outcome))
  );
}

function isRow(value: unknown): value is NodeRow {
  return (
    isObject(value) &&
    isText(value['id']) &&
    isText(value['label']) &&
    isText(value['state']) &&
    isCount(value['restarts']) &&
    isFinite(value['callsPerSec']) &&
    isFinite(value['errors']) &&
    optional(value['deathCause'], isText) &&
    optional(value['pid'], isCount) &&
    optional(value['host'], isText) &&
    ROW_FIGURES.every((key) => optional(value[key], isFinite))
  );
}

function isUserSample(value: unknown): value is UserSample {
  if (!isObject(value)) return false;
  const labels = value['labels'];
  return (
    isText(value['node']) &&
    isText(value['name']) &&
    isText(value['kind']) &&
    isFinite(value['value']) &&
    isObject(labels) &&
    Object.values(labels).every(isText)
  );
}

function isMetricsLine(value: unknown): value is MetricsLine {
  return (
    isObject(value) &&
    isText(value['t']) &&
    isRow(value['node']) &&
    Array.isArray(value['user']) &&
    (value['user'] as unknown[]).every(isUserSample)
  );
}

function isLogLine(value: unknown): value is LogLine {
  return (
    isObject(value) &&
    isText(value['t']) &&
    STREAMS.includes(value['stream']) &&
    isText(value['text'])
  );
}

/** The line's value when it is JSON that `test` accepts, else undefined. */
function parsed<T>(test: (value: unknown) => value is T, line: string): T | undefined {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    // The torn last line of a killed launcher, or not JSON at all.
    return undefined;
  }
  return test(value) ? value : undefined;
}

/** A line of `events.jsonl`, or undefined when it is not one. */
export const parseEvent = (line: string): LaunchEvent | undefined => parsed(isEvent, line);

/** A line of `metrics.jsonl`, or undefined when it is not one. */
export const parseMetricsLine = (line: string): MetricsLine | undefined =>
  parsed(isMetricsLine, line);

/** A line of a node's log, or undefined when it is not one. */
export const parseLogLine = (line: string): LogLine | undefined => parsed(isLogLine, line);

/**
 * The graph in `value` (parsed `graph.json`), keeping only the nodes whose id is a node id
 * (the rest would name files) and the edges between them; anything else is an empty graph.
 */
export function graphOf(value: unknown): GraphView {
  if (!isObject(value)) return { nodes: [], edges: [] };
  const { nodes, edges } = value;
  const seen = new Set<string>();
  const kept: GraphView['nodes'][number][] = [];
  for (const node of Array.isArray(nodes) ? (nodes as unknown[]) : []) {
    if (!isObject(node) || !isText(node['id']) || !isText(node['label'])) continue;
    const { id, label, colocation } = node;
    if (!NODE_ID_PATTERN.test(id) || !optional(colocation, isText) || seen.has(id)) continue;
    seen.add(id);
    kept.push({ id, label, ...(isText(colocation) ? { colocation } : {}) });
  }
  const links: GraphView['edges'][number][] = [];
  for (const edge of Array.isArray(edges) ? (edges as unknown[]) : []) {
    if (!isObject(edge)) continue;
    const { from, to, callsPerSec } = edge;
    if (!isText(from) || !isText(to) || !seen.has(from) || !seen.has(to)) continue;
    links.push({ from, to, callsPerSec: isFinite(callsPerSec) ? (callsPerSec as number) : 0 });
  }
  return { nodes: kept, edges: links };
}
