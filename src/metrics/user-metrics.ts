/**
 * @module
 * Metrics made by node code (`lp.metrics.counter(…)`, `.gauge(…)`, `.histogram(…)`): named
 * counters, gauges and histograms, each with any number of label sets. They are reported
 * to the launcher with the node's other figures and served as `launchpad_user_<name>`.
 * Each metric keeps at most {@link MAX_SERIES_PER_METRIC} label sets and a node at most
 * {@link MAX_SERIES_PER_NODE}; updates of label sets past them are dropped, with one
 * warning.
 */
import { LaunchpadError } from '../errors/errors.ts';
import { FixedHistogram } from './latency-histogram.ts';
import type { UserMetricKind, UserMetricSnapshot, UserSeriesSnapshot } from './report.ts';

/** Label values by label name, e.g. `{ actor: 3 }`. Numbers are turned into strings. */
export type MetricLabels = Readonly<Record<string, string | number>>;

/** How to make a user metric. */
export interface MetricOptions {
  /** What the metric measures, for the `# HELP` line. */
  readonly help?: string;
  /**
   * A histogram's bucket upper bounds, ascending. @default the call-latency buckets
   * (0.0005 to 10)
   */
  readonly buckets?: readonly number[];
}

/** A value that only goes up: episodes played, frames seen. */
export interface MetricCounter {
  /** Adds `amount` (≥ 0, default 1) to the series of `labels`. */
  inc(amount?: number, labels?: MetricLabels): void;
}

/** A value that goes up and down: the last episode's return, a queue's length. */
export interface MetricGauge {
  /** Sets the series of `labels` to `value`. */
  set(value: number, labels?: MetricLabels): void;
  /** Adds `amount` (default 1) to the series of `labels`. */
  inc(amount?: number, labels?: MetricLabels): void;
  /** Subtracts `amount` (default 1) from the series of `labels`. */
  dec(amount?: number, labels?: MetricLabels): void;
}

/** A distribution: a loss per step, a batch's latency. */
export interface MetricHistogram {
  /** Records `value` in the series of `labels`. */
  observe(value: number, labels?: MetricLabels): void;
}

const NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/**
 * The most label sets one metric keeps: each is a series in every report, in the
 * launcher's memory, in `/metrics` and in the history. Label values that grow without
 * end (a step number, a request id) are a mistake this bound turns into a warning.
 */
export const MAX_SERIES_PER_METRIC = 1_000;
/** The most label sets all the user metrics of one node keep together. */
export const MAX_SERIES_PER_NODE = 2_000;

/** How many series a node's metrics hold, and whether it was told it hit a bound. */
interface SeriesBudget {
  used: number;
  warnedNode: boolean;
  readonly warn: (message: string) => void;
}
// Set by the launcher on every series, or by Prometheus itself on histograms.
const RESERVED_LABELS = new Set(['node', 'le']);

interface Series {
  readonly labels: Readonly<Record<string, string>>;
  value: number;
  readonly histogram: FixedHistogram | undefined;
  changed: boolean;
}

// One metric: its label sets, keyed by their sorted `name=value` pairs.
class UserMetric implements MetricCounter, MetricGauge, MetricHistogram {
  readonly name: string;
  readonly kind: UserMetricKind;
  readonly help: string;
  readonly buckets: readonly number[] | undefined;
  readonly #series = new Map<string, Series>();
  readonly #describe: (what: string) => string;
  readonly #budget: SeriesBudget;
  // What the updates of label sets past a bound go to: kept nowhere, reported never.
  #dropped: Series | undefined;
  #warned = false;

  constructor(
    name: string,
    kind: UserMetricKind,
    options: MetricOptions,
    owner: { readonly describe: (what: string) => string; readonly budget: SeriesBudget },
  ) {
    this.name = name;
    this.kind = kind;
    this.help = options.help ?? `${name} (a ${kind} reported by node code)`;
    this.buckets = options.buckets;
    this.#describe = owner.describe;
    this.#budget = owner.budget;
  }

  inc(amount = 1, labels?: MetricLabels): void {
    this.#checkValue('inc', amount);
    if (this.kind === 'counter' && amount < 0) {
      throw this.#error('inc', `a counter only goes up, got ${amount}; use a gauge`);
    }
    const series = this.#seriesOf('inc', labels);
    series.value += amount;
    series.changed = true;
  }

  set(value: number, labels?: MetricLabels): void {
    this.#checkValue('set', value);
    const series = this.#seriesOf('set', labels);
    series.value = value;
    series.changed = true;
  }

  dec(amount = 1, labels?: MetricLabels): void {
    this.#checkValue('dec', amount);
    const series = this.#seriesOf('dec', labels);
    series.value -= amount;
    series.changed = true;
  }

  observe(value: number, labels?: MetricLabels): void {
    this.#checkValue('observe', value);
    const series = this.#seriesOf('observe', labels);
    series.histogram?.observe(value);
    series.changed = true;
  }

  takeChanges(): UserMetricSnapshot | undefined {
    const changed: UserSeriesSnapshot[] = [];
    for (const series of this.#series.values()) {
      if (!series.changed) continue;
      series.changed = false;
      changed.push(
        series.histogram === undefined
          ? { labels: series.labels, value: series.value }
          : { labels: series.labels, histogram: series.histogram.snapshot() },
      );
    }
    if (changed.length === 0) return undefined;
    return { name: this.name, kind: this.kind, help: this.help, series: changed };
  }

  #checkValue(method: string, value: unknown): void {
    if (typeof value !== 'number' || !Number.isFinite(value)) {
      throw this.#error(method, `expected a finite number, got ${String(value)}`);
    }
  }

  #seriesOf(method: string, labels: MetricLabels | undefined): Series {
    const key = labels === undefined ? '' : this.#keyOf(method, labels);
    let series = this.#series.get(key);
    if (series === undefined) {
      if (this.#overBudget(method)) {
        this.#dropped ??= this.#newSeries(undefined);
        return this.#dropped;
      }
      series = this.#newSeries(labels);
      this.#series.set(key, series);
      this.#budget.used++;
    }
    return series;
  }

  #newSeries(labels: MetricLabels | undefined): Series {
    return {
      labels: labels === undefined ? {} : stringLabels(labels),
      value: 0,
      histogram: this.kind === 'histogram' ? new FixedHistogram(this.buckets) : undefined,
      changed: false,
    };
  }

  // True when a new label set would pass a bound; says so once per metric and per node.
  #overBudget(method: string): boolean {
    const budget = this.#budget;
    if (this.#series.size >= MAX_SERIES_PER_METRIC) {
      if (!this.#warned) {
        this.#warned = true;
        budget.warn(
          `${this.#describe(`${this.kind}('${this.name}').${method}()`)}: this metric has ` +
            `${String(MAX_SERIES_PER_METRIC)} label sets, its most; updates of new label sets ` +
            'are dropped. Use labels with few values (not step numbers or ids).',
        );
      }
      return true;
    }
    if (budget.used >= MAX_SERIES_PER_NODE) {
      if (!budget.warnedNode) {
        budget.warnedNode = true;
        budget.warn(
          `${this.#describe(`${this.kind}('${this.name}').${method}()`)}: this node's metrics ` +
            `have ${String(MAX_SERIES_PER_NODE)} label sets in all, their most; updates of new ` +
            'label sets are dropped. Use labels with few values (not step numbers or ids).',
        );
      }
      return true;
    }
    return false;
  }

  #keyOf(method: string, labels: MetricLabels): string {
    // Checked at run time too: JavaScript callers get no compile-time check.
    const given: unknown = labels;
    if (typeof given !== 'object' || given === null || Array.isArray(given)) {
      throw this.#error(method, 'labels must be an object of label names to values');
    }
    const names = Object.keys(labels).sort();
    for (const name of names) {
      const value = labels[name];
      if (!NAME.test(name) || name.startsWith('__')) {
        throw this.#error(method, `label name ${JSON.stringify(name)} is not a valid name`);
      }
      if (RESERVED_LABELS.has(name)) {
        throw this.#error(method, `label name ${name} is reserved (the launcher sets it)`);
      }
      if (typeof value !== 'string' && typeof value !== 'number') {
        throw this.#error(method, `label ${name} must be a string or a number`);
      }
    }
    return names.map((name) => `${name}=${String(labels[name])}`).join('\u0000');
  }

  #error(method: string, problem: string): LaunchpadError {
    return new LaunchpadError(
      'INVALID_ARGUMENT',
      `${this.#describe(`${this.kind}('${this.name}').${method}()`)}: ${problem}.`,
    );
  }
}

function stringLabels(labels: MetricLabels): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [name, value] of Object.entries(labels)) result[name] = String(value);
  return result;
}

/** The user metrics of one node. */
export class UserMetrics {
  readonly #metrics = new Map<string, UserMetric>();
  readonly #nodeId: string;
  readonly #budget: SeriesBudget;

  /**
   * @param nodeId - the node whose code makes them, for error messages
   * @param warn - told once when a metric, or the node, passes its bound of label sets
   */
  constructor(
    nodeId: string,
    warn: (message: string) => void = (message) => {
      console.warn(message);
    },
  ) {
    this.#nodeId = nodeId;
    this.#budget = { used: 0, warnedNode: false, warn };
  }

  /**
   * The metric called `name` of this kind, made at its first use; the same object after.
   *
   * @throws LaunchpadError `INVALID_ARGUMENT` for a bad name, bad buckets, or a name
   * already used by a metric of another kind
   */
  metric(name: string, kind: UserMetricKind, options: MetricOptions = {}): UserMetric {
    const describe = (what: string): string => `Node ${this.#nodeId}: lp.metrics.${what}`;
    const existing = this.#metrics.get(name);
    if (existing !== undefined) {
      if (existing.kind !== kind) {
        throw new LaunchpadError(
          'INVALID_ARGUMENT',
          `${describe(`${kind}('${name}')`)}: ${name} is already a ${existing.kind} of this node.`,
        );
      }
      return existing;
    }
    const problem = optionsProblem(name, kind, options);
    if (problem !== undefined) {
      throw new LaunchpadError(
        'INVALID_ARGUMENT',
        `${describe(`${kind}('${name}')`)}: ${problem}.`,
      );
    }
    const metric = new UserMetric(name, kind, options, { describe, budget: this.#budget });
    this.#metrics.set(name, metric);
    return metric;
  }

  /** The metrics with series that changed since the last call. */
  takeChanges(): UserMetricSnapshot[] {
    const changed: UserMetricSnapshot[] = [];
    for (const metric of this.#metrics.values()) {
      const snapshot = metric.takeChanges();
      if (snapshot !== undefined) changed.push(snapshot);
    }
    return changed;
  }
}

function optionsProblem(
  name: unknown,
  kind: UserMetricKind,
  options: MetricOptions,
): string | undefined {
  if (typeof name !== 'string' || !NAME.test(name)) {
    return `the name must match ${NAME.source} (letters, digits and _), got ${JSON.stringify(name)}`;
  }
  const given: unknown = options;
  if (typeof given !== 'object' || given === null) return 'options must be an object';
  if (options.help !== undefined && typeof options.help !== 'string') {
    return 'options.help must be a string';
  }
  if (options.buckets === undefined) return undefined;
  if (kind !== 'histogram') return 'options.buckets is for histograms only';
  const buckets = options.buckets;
  if (!Array.isArray(buckets) || buckets.length === 0) {
    return 'options.buckets must be a non-empty array of numbers';
  }
  for (let index = 0; index < buckets.length; index++) {
    const bound: unknown = buckets[index];
    if (typeof bound !== 'number' || !Number.isFinite(bound)) {
      return `options.buckets[${index}] must be a finite number`;
    }
    if (index > 0 && bound <= (buckets[index - 1] as number)) {
      return `options.buckets[${index}] must be greater than the bucket before it`;
    }
  }
  return undefined;
}
