/**
 * A learning curve, reported row by row to sinks: a CSV file in the launch's working
 * directory, and user-metric gauges (`curve_<column>`) that reach the launcher's metrics
 * (`running.metrics()`, `/metrics`) while the run goes on.
 */
import { appendFileSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import * as lp from 'launchpad-ts';

/** One point of a curve: named numbers, e.g. `{ seconds, env_steps, mean_return }`. */
export type CurveRow = Readonly<Record<string, number>>;

/** Where rows go. */
export interface CurveSink {
  /** Receives each row, in order. */
  write(row: CurveRow): void;
}

/** Appends rows to a CSV file; the first row's keys make the header. */
export class CsvCurveSink implements CurveSink {
  #columns: readonly string[] | undefined;

  /** @param path - the CSV file; its folder is created, an existing file is appended to */
  constructor(readonly path: string) {
    mkdirSync(dirname(path), { recursive: true });
  }

  /** Appends `row`, writing the header first if this is the first row. */
  write(row: CurveRow): void {
    if (this.#columns === undefined) {
      this.#columns = Object.keys(row);
      appendFileSync(this.path, `${this.#columns.join(',')}\n`);
    }
    const missing = this.#columns.filter((column) => !(column in row));
    if (missing.length > 0) {
      throw new Error(`CsvCurveSink(${this.path}): row lacks column(s) ${missing.join(', ')}`);
    }
    appendFileSync(this.path, `${this.#columns.map((column) => row[column]).join(',')}\n`);
  }
}

/**
 * Sets one gauge per column, named `curve_<column>`, to the row's value: the latest point
 * of the curve, as the launcher's metrics show it. Call it from a node's code.
 */
export function setCurveGauges(row: CurveRow): void {
  for (const [column, value] of Object.entries(row)) {
    lp.metrics.gauge(`curve_${column}`, { help: `Learning curve: latest ${column}` }).set(value);
  }
}

/** Reports rows as user-metric gauges (see {@link setCurveGauges}). */
export class MetricsCurveSink implements CurveSink {
  /** Sets each column's gauge to the row's value. */
  write(row: CurveRow): void {
    setCurveGauges(row);
  }
}

/** A curve reported to every sink it was given. */
export class CurveLog {
  /** @param sinks - where each row goes */
  constructor(private readonly sinks: readonly CurveSink[]) {}

  /** Reports one row to every sink. */
  report(row: CurveRow): void {
    for (const sink of this.sinks) sink.write(row);
  }
}
