/**
 * The four measurements every transport goes through, so that each figure means the same
 * thing for launchpad-ts and for every baseline.
 */

/** What a transport under test offers: three calls, each a full round trip. */
export interface Transport {
  /** A small call: a number out, the same number back. */
  ping(value: number): Promise<number>;
  /** A large call: the array out, the same array back. */
  echo(value: Float32Array): Promise<Float32Array>;
  /** A call the server answers in batches of {@link BATCH_CLIENTS}: `value + 1`. */
  compute(value: number): Promise<number>;
  /**
   * Called with each echoed array once it is checked: a transport that can reuse the
   * memory of what it received (launchpad-ts's `lp.recycle`) takes it back here.
   */
  readonly recycle?: (value: Float32Array) => void;
  /** False when the transport cannot carry a 64 MiB message (gRPC's default limit). */
  readonly echoes64MiB?: boolean;
}

/** One transport's figures. */
export interface Figures {
  /** Sequential small-call round trip, median, µs. */
  rttMedianUs: number;
  /** Sequential small-call round trip, 99th percentile, µs. */
  rttP99Us: number;
  /** Small calls per second with {@link IN_FLIGHT} in flight. */
  throughput: number;
  /** 1 MiB Float32Array echo, MB/s counting both directions, from the median call. */
  echoMBps: number;
  /** 64 MiB Float32Array echo, MB/s counting both directions, from the median call. */
  echo64MBps: number;
  /** Calls per second of the batched method with {@link BATCH_CLIENTS} clients. */
  batchedPerSec: number;
}

/** Calls in flight for the throughput figure. */
export const IN_FLIGHT = 64;
/** Concurrent clients (and batch size) for the batched figure. */
export const BATCH_CLIENTS = 32;
/** How long the batches of a baseline server wait to fill up, as launchpad-ts's do. */
export const BATCH_TIMEOUT_MS = 10;

const SEQUENTIAL_CALLS = 4_000;
const WINDOW_MS = 1_200;
const MiB = 1024 * 1024;
/** The large echo: a few calls (each moves 128 MiB), within its own bounded window. */
const LARGE_ECHO = { bytes: 64 * MiB, warmUp: 1, windowMs: 2_500, maxCalls: 8 } as const;
const SMALL_ECHO = { bytes: MiB, warmUp: 10, windowMs: WINDOW_MS, maxCalls: 100_000 } as const;

/** Runs every measurement on `transport`, warming up first. */
export async function measure(transport: Transport): Promise<Figures> {
  // Warm-up: let the JIT compile both sides' paths before anything is timed.
  for (let i = 0; i < 2_000; i++) await transport.ping(i);
  const samples = new Float64Array(SEQUENTIAL_CALLS);
  for (let i = 0; i < SEQUENTIAL_CALLS; i++) {
    const start = process.hrtime.bigint();
    await transport.ping(i);
    samples[i] = Number(process.hrtime.bigint() - start) / 1_000;
  }
  samples.sort();
  const throughput = await callsPerSecond(IN_FLIGHT, (i) => transport.ping(i));
  // BENCH_SMALL_ONLY=1: the small-call figures alone, for quick A/B runs.
  if (process.env['BENCH_SMALL_ONLY'] === '1') {
    return {
      rttMedianUs: quantile(samples, 0.5),
      rttP99Us: quantile(samples, 0.99),
      throughput,
      echoMBps: Number.NaN,
      echo64MBps: Number.NaN,
      batchedPerSec: Number.NaN,
    };
  }
  const echo = (value: Float32Array): Promise<Float32Array> => transport.echo(value);
  const echoMBps = await echoRate(echo, SMALL_ECHO, transport.recycle);
  const echo64MBps =
    transport.echoes64MiB === false
      ? Number.NaN
      : await echoRate(echo, LARGE_ECHO, transport.recycle);
  const batchedPerSec = await callsPerSecond(BATCH_CLIENTS, (i) => transport.compute(i));
  return {
    rttMedianUs: quantile(samples, 0.5),
    rttP99Us: quantile(samples, 0.99),
    throughput,
    echoMBps,
    echo64MBps,
    batchedPerSec,
  };
}

// Keeps `lanes` calls going for the window; each lane starts its next call when its last
// one returns. A short untimed run first warms up the concurrent path.
async function callsPerSecond(
  lanes: number,
  call: (i: number) => Promise<number>,
): Promise<number> {
  await runLanes(lanes, call, 200);
  const start = performance.now();
  const count = await runLanes(lanes, call, WINDOW_MS);
  return count / ((performance.now() - start) / 1_000);
}

async function runLanes(
  lanes: number,
  call: (i: number) => Promise<number>,
  windowMs: number,
): Promise<number> {
  const end = performance.now() + windowMs;
  let count = 0;
  await Promise.all(
    Array.from({ length: lanes }, async (_, lane) => {
      while (performance.now() < end) {
        const answer = await call(lane);
        if (answer !== lane && answer !== lane + 1) throw new Error(`wrong answer ${answer}`);
        count++;
      }
    }),
  );
  return count;
}

/** How one echo figure is measured: the array's size and the bounds of the run. */
export interface EchoPlan {
  readonly bytes: number;
  readonly warmUp: number;
  readonly windowMs: number;
  readonly maxCalls: number;
}

// MB/s from the median round trip, not from a count over a window: one call is 2 MiB of
// copying and socket traffic, so a single pause of the shared machine would otherwise
// move the figure by a third.
/**
 * Echoes a Float32Array of `plan.bytes`; MB/s (both directions) of the median call. Each
 * echoed array, once checked, goes to `recycle` when given.
 */
export async function echoRate(
  echo: (value: Float32Array) => Promise<Float32Array>,
  plan: EchoPlan,
  recycle?: (value: Float32Array) => void,
): Promise<number> {
  const value = new Float32Array(plan.bytes / 4).map((_, i) => i);
  const probe = Math.min(12_345, value.length - 1);
  for (let i = 0; i < plan.warmUp; i++) await echo(value);
  const times: number[] = [];
  const start = performance.now();
  while (performance.now() - start < plan.windowMs && times.length < plan.maxCalls) {
    const begin = performance.now();
    const back = await echo(value);
    times.push(performance.now() - begin);
    if (back.length !== value.length || back[probe] !== probe) throw new Error('echo corrupted');
    recycle?.(back);
  }
  const medianMs = quantile(Float64Array.from(times).sort(), 0.5);
  return (2 * value.byteLength) / (medianMs / 1_000) / 1e6;
}

/** The plans of the 1 MiB and 64 MiB echo figures. */
export const ECHO_PLANS = { small: SMALL_ECHO, large: LARGE_ECHO } as const;

function quantile(sorted: Float64Array, q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;
}

/**
 * Measures and reports the two echo figures of a transport that has only an echo (a raw
 * socket baseline); its other figures are reported as not measured (NaN).
 */
export async function reportEchoOnly(
  echo: (value: Float32Array) => Promise<Float32Array>,
): Promise<void> {
  const echoMBps = await echoRate(echo, ECHO_PLANS.small);
  const echo64MBps = await echoRate(echo, ECHO_PLANS.large);
  report({
    rttMedianUs: Number.NaN,
    rttP99Us: Number.NaN,
    throughput: Number.NaN,
    echoMBps,
    echo64MBps,
    batchedPerSec: Number.NaN,
  });
}

/** Prints `figures` where the orchestrator looks for them (the last RESULT line). */
export function report(figures: Figures): void {
  console.log(`RESULT ${JSON.stringify(figures)}`);
}
