/**
 * `npm run bench:metrics`: what metrics cost. Runs the launchpad-ts `processes` suite with
 * metrics on (the default) and off (`LP_METRICS=0`), interleaved over BENCH_ROUNDS rounds
 * (default 3) so drift on a shared machine hits both alike, and prints the medians and
 * their ratio. The target: calls/s at 64 in flight lose at most 5%.
 */
import { fileURLToPath } from 'node:url';
import type { Figures } from './measure.ts';
import { median, runSuiteResult } from './stats.ts';

const ROUNDS = Number(process.env['BENCH_ROUNDS'] ?? 3);
const suite = fileURLToPath(new URL('suites/launchpad.ts', import.meta.url));

function runSuite(metrics: boolean): Promise<Figures> {
  return runSuiteResult<Figures>(['--import', 'tsx', suite, 'processes'], {
    ...process.env,
    LP_METRICS: metrics ? '1' : '0',
  });
}

const runs: Record<'on' | 'off', Figures[]> = { on: [], off: [] };
for (let round = 1; round <= ROUNDS; round++) {
  // Alternate which goes first, so neither always runs on a warmer machine.
  const order: ('on' | 'off')[] = round % 2 === 1 ? ['on', 'off'] : ['off', 'on'];
  for (const which of order) {
    process.stderr.write(`round ${round}/${ROUNDS}: metrics ${which}\n`);
    runs[which].push(await runSuite(which === 'on'));
  }
}
const figure = (which: 'on' | 'off', key: keyof Figures): number =>
  median(runs[which].map((run) => run[key]));
console.log('figure                          metrics on   metrics off   on / off');
for (const key of ['throughput', 'rttMedianUs', 'rttP99Us', 'batchedPerSec'] as const) {
  const on = figure('on', key);
  const off = figure('off', key);
  console.log(
    `${key.padEnd(30)} ${on.toFixed(0).padStart(11)} ${off.toFixed(0).padStart(13)} ${(on / off).toFixed(3).padStart(10)}`,
  );
}
console.log(
  `each run's calls/s at 64 in flight: on ${runs.on.map((run) => run.throughput.toFixed(0)).join(', ')}; off ${runs.off.map((run) => run.throughput.toFixed(0)).join(', ')}`,
);
