/**
 * `npm run bench:tracing`: what tracing costs. Calls/s at 64 in flight to a `processes`
 * node (`bench/suites/traced-calls.ts`) in three variants, interleaved over BENCH_ROUNDS
 * rounds (default 3) so drift on a shared machine hits all alike: the code before tracing
 * existed (`BENCH_BASELINE_SRC`, a path to that tree's `src/index.ts`, when given),
 * tracing off, and tracing on (`LP_TRACING=1`, spans made, propagated and exported by the
 * OpenTelemetry 2.x SDK). Prints each run, the medians and their ratios.
 */
import { fileURLToPath } from 'node:url';
import { median, runSuiteResult } from './stats.ts';

const ROUNDS = Number(process.env['BENCH_ROUNDS'] ?? 3);
const BASELINE = process.env['BENCH_BASELINE_SRC'];
const suite = fileURLToPath(new URL('suites/traced-calls.ts', import.meta.url));

type Variant = 'before' | 'off' | 'on';

function run(variant: Variant): Promise<number> {
  const env: NodeJS.ProcessEnv = { ...process.env, LP_TRACING: variant === 'on' ? '1' : '0' };
  if (variant === 'before' && BASELINE !== undefined) env['BENCH_LAUNCHPAD'] = BASELINE;
  // The code before tracing does not know LP_TRACING; it must not see it at all.
  if (variant === 'before') delete env['LP_TRACING'];
  return runSuiteResult<{ callsPerSec: number }>(
    ['--conditions=launchpad-ts-source', '--import', 'tsx', suite],
    env,
  ).then((result) => result.callsPerSec);
}

const variants: Variant[] = BASELINE === undefined ? ['off', 'on'] : ['before', 'off', 'on'];
const runs: Record<Variant, number[]> = { before: [], off: [], on: [] };
for (let round = 1; round <= ROUNDS; round++) {
  // Rotate the order, so no variant always runs first on a cooler machine.
  const order = [...variants.slice(round - 1), ...variants.slice(0, round - 1)];
  for (const variant of order) {
    process.stderr.write(`round ${round}/${ROUNDS}: ${variant}\n`);
    runs[variant].push(await run(variant));
  }
}
for (const variant of variants) {
  console.log(
    `${variant.padEnd(7)} median ${median(runs[variant]).toFixed(0).padStart(7)} calls/s (runs: ${runs[variant].map((value) => value.toFixed(0)).join(', ')})`,
  );
}
const ratio = (a: Variant, b: Variant): string => (median(runs[a]) / median(runs[b])).toFixed(3);
if (BASELINE !== undefined) console.log(`tracing off / before: ${ratio('off', 'before')}`);
console.log(`tracing on / off:     ${ratio('on', 'off')}`);
