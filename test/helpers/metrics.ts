/**
 * Waiting for metrics to reach the launcher, and reading Prometheus' text format.
 */
import type * as lp from 'launchpad-ts';

/**
 * Resolves with `running.metrics()` once `ready` holds for it, checked at each report the
 * launcher receives (an event, not a poll); rejects after `timeoutMs` with the last view.
 */
export function metricsWhen(
  running: lp.RunningProgram,
  ready: (metrics: lp.ProgramMetrics) => boolean,
  timeoutMs = 20_000,
): Promise<lp.ProgramMetrics> {
  return new Promise((resolve, reject) => {
    const check = (): boolean => {
      const metrics = running.metrics();
      if (!ready(metrics)) return false;
      clearTimeout(timer);
      unsubscribe();
      resolve(metrics);
      return true;
    };
    const timer = setTimeout(() => {
      unsubscribe();
      reject(
        new Error(`Metrics never got there: ${JSON.stringify(running.metrics(), undefined, 1)}`),
      );
    }, timeoutMs);
    const unsubscribe = running.onMetrics(() => {
      check();
    });
    check();
  });
}

/** One node's view, or a failure naming it. */
export function nodeOf(metrics: lp.ProgramMetrics, nodeId: string): lp.NodeMetricsView {
  const node = metrics.nodes.find((view) => view.nodeId === nodeId);
  if (node === undefined) throw new Error(`No metrics for node ${nodeId}.`);
  return node;
}

/** A method of a node's server side, if it was called. */
export function served(
  metrics: lp.ProgramMetrics,
  nodeId: string,
  method: string,
): lp.MethodSnapshot | undefined {
  return metrics.nodes
    .find((view) => view.nodeId === nodeId)
    ?.server.find((one) => one.method === method);
}

/** A method a node called on `callee`, if it did. */
export function called(
  metrics: lp.ProgramMetrics,
  nodeId: string,
  callee: string,
  method: string,
): lp.MethodSnapshot | undefined {
  return metrics.nodes
    .find((view) => view.nodeId === nodeId)
    ?.client.find((one) => one.callee === callee)
    ?.methods.find((one) => one.method === method);
}

/** One sample of Prometheus' text format. */
export interface Sample {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

/** Parsed exposition text: its samples, and the `# TYPE` of each metric family. */
export interface Exposition {
  readonly samples: readonly Sample[];
  readonly types: ReadonlyMap<string, string>;
}

const SAMPLE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)$/;
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g;

/**
 * Parses Prometheus' text exposition format (version 0.0.4) strictly enough for tests:
 * every line is a comment, blank, or a sample with a valid name, labels and a number.
 */
export function parseExposition(text: string): Exposition {
  const samples: Sample[] = [];
  const types = new Map<string, string>();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('# HELP ')) continue;
    if (line.startsWith('# TYPE ')) {
      const [, , name, type] = line.split(' ');
      if (name === undefined || type === undefined) throw new Error(`Bad TYPE line: ${line}`);
      types.set(name, type);
      continue;
    }
    const match = SAMPLE.exec(line);
    if (match === null) throw new Error(`Not a sample line: ${line}`);
    const [, name = '', labelText = '', valueText = ''] = match;
    const labels: Record<string, string> = {};
    for (const [, label = '', value = ''] of labelText.matchAll(LABEL)) {
      labels[label] = value.replace(/\\(.)/g, (_all, char: string) => (char === 'n' ? '\n' : char));
    }
    const value =
      valueText === '+Inf' ? Infinity : valueText === '-Inf' ? -Infinity : Number(valueText);
    if (Number.isNaN(value) && valueText !== 'NaN') throw new Error(`Bad value: ${line}`);
    samples.push({ name, labels, value });
  }
  return { samples, types };
}

/** The value of the one sample named `name` whose labels include `labels`. */
export function sampleValue(
  exposition: Exposition,
  name: string,
  labels: Readonly<Record<string, string>>,
): number | undefined {
  const found = exposition.samples.filter(
    (sample) =>
      sample.name === name &&
      Object.entries(labels).every(([label, value]) => sample.labels[label] === value),
  );
  if (found.length > 1) throw new Error(`${found.length} samples of ${name} match.`);
  return found[0]?.value;
}
