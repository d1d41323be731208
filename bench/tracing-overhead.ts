/**
 * `npm run bench:tracing`: what tracing costs. Calls/s at 64 in flight to a `processes`
 * node (`bench/suites/traced-calls.ts`) in three variants, interleaved over BENCH_ROUNDS
 * rounds (default 3) so drift on a shared machine hits all alike: the code before tracing
 * existed (`BENCH_BASELINE_SRC`, a path to that tree's `src/index.ts`, when given),
 * tracing off, and tracing on (`LP_TRACING=1`, spans made, propagated and exported by the
 * OpenTelemetry 2.x SDK). Prints each run, the medians and their ratios.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const ROUNDS = Number(process.env['BENCH_ROUNDS'] ?? 3);
const BASELINE = process.env['BENCH_BASELINE_SRC'];
const suite = fileURLToPath(new URL('suites/traced-calls.ts', import.meta.url));

type Variant = 'before' | 'off' | 'on';

function run(variant: Variant): Promise<number> {
  const env: NodeJS.ProcessEnv = { ...process.env, LP_TRACING: variant === 'on' ? '1' : '0' };
  if (variant === 'before' && BASELINE !== undefined) env['BENCH_LAUNCHPAD'] = BASELINE;
  // The code before tracing does not know LP_TRACING; it must not see it at all.
  if (variant === 'before') delete env['LP_TRACING'];
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--conditions=launchpad-ts-source', '--import', 'tsx', suite],
      {
        stdio: ['ignore', 'pipe', 'inherit'],
        env,
      },
    );
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 90_000);
    child.once('exit', (code) => {
      clearTimeout(timer);
      const line = output.split('\n').findLast((text) => text.startsWith('RESULT '));
      if (code === 0 && line !== undefined) {
        resolve((JSON.parse(line.slice(7)) as { callsPerSec: number }).callsPerSec);
      } else reject(new Error(`The ${variant} run exited with ${String(code)}:\n${output}`));
    });
  });
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[middle] ?? Number.NaN)
    : ((sorted[middle - 1] ?? Number.NaN) + (sorted[middle] ?? Number.NaN)) / 2;
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
