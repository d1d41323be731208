/**
 * What every learning example reports: its curve as a CSV in the launch's working
 * directory, and one last line of JSON on stdout that a script can check.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setCurveGauges } from './curve-log.ts';

/** One point of a learning curve. */
export interface CurvePoint {
  /** Wall-clock seconds since training started. */
  readonly seconds: number;
  /** Training steps so far (updates, generations, …: the example says which). */
  readonly steps: number;
  /** The score at that point (accuracy, mean return, …). */
  readonly score: number;
}

/**
 * Adds `point` to `curve` and sets the `curve_seconds`, `curve_steps` and `curve_score`
 * gauges to it, so the launcher's metrics follow the curve live. Call it from a node.
 */
export function reportCurvePoint(curve: CurvePoint[], point: CurvePoint): void {
  curve.push(point);
  setCurveGauges({ seconds: point.seconds, steps: point.steps, score: point.score });
}

/** Writes `points` as `seconds,steps,score` rows to `<dir>/<name>.csv`; returns the path. */
export function writeCurveCsv(dir: string, name: string, points: readonly CurvePoint[]): string {
  const path = join(dir, `${name}.csv`);
  const rows = points.map((p) => `${p.seconds.toFixed(3)},${p.steps},${p.score}`);
  writeFileSync(path, ['seconds,steps,score', ...rows, ''].join('\n'));
  return path;
}

/** The final report: score, steps and seconds first, then whatever the example adds. */
export interface FinalReport {
  /** The example's name. */
  readonly example: string;
  /** The final score. */
  readonly score: number;
  /** Training steps taken. */
  readonly steps: number;
  /** Wall-clock seconds of the run. */
  readonly seconds: number;
  /** Anything else worth checking (settings, other figures, the CSV's path). */
  readonly [extra: string]: unknown;
}

/** Prints `report` as the last line of the run's output. */
export function printFinalReport(report: FinalReport): void {
  console.log(JSON.stringify(report));
}
