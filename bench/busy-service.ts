/**
 * A busy service and its callers, the shape of a learner in distributed RL: the learner's
 * `run()` loops over a stream from another node, doing about 3 ms of synchronous work per
 * item, while an actor node calls one of its methods now and then. Prints the median and
 * p90 latency of the actor's calls under each launch type, and the ratio threads /
 * processes from the same run:
 * `npx tsx bench/busy-service.ts [--launch_types=processes,threads] [--calls=40]`.
 * Bounded by the number of calls (each run ends when the actor has made them).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import * as lp from 'launchpad-ts';

/** Synchronous work per stream item, as a learner's update step would do. */
const WORK_MS = 3;
const ITEM_FLOATS = 4096;

/** Spins for `ms` milliseconds: compute the event loop cannot interleave with. */
function busy(ms: number): void {
  const end = performance.now() + ms;
  while (performance.now() < end) {
    // spin
  }
}

/** An endless stream of batches, as a replay table's sample stream is. */
export class BatchSource {
  /** Batches until the caller stops reading. */
  // eslint-disable-next-line @typescript-eslint/require-await -- a stream is an AsyncIterable
  async *batches(): AsyncGenerator<Float32Array> {
    for (let i = 0; ; i++) yield new Float32Array(ITEM_FLOATS).fill(i);
  }
}

/** Loops over the stream, working on each batch; answers `getParams` meanwhile. */
export class BusyLearner {
  #steps = 0;
  constructor(private readonly source: lp.Client<BatchSource>) {}

  /** The learner's loop: for ever, until the program stops. */
  async run(): Promise<void> {
    const stop = lp.stopSignal();
    for await (const batch of this.source.batches()) {
      if (stop.aborted) break;
      busy(WORK_MS);
      this.#steps += batch.length > 0 ? 1 : 0;
    }
  }

  /** What actors call: small, answered at once. */
  getParams(): { steps: number } {
    return { steps: this.#steps };
  }
}

/** Calls the learner `calls` times, one after another, and records each latency. */
export async function actor(learner: lp.Client<BusyLearner>, calls: number): Promise<void> {
  // Wait until the learner's loop is busy (it has worked on a few batches).
  while ((await learner.getParams()).steps < 5);
  const latencies: number[] = [];
  for (let i = 0; i < calls; i++) {
    const start = performance.now();
    await learner.getParams();
    latencies.push(performance.now() - start);
    // An actor steps its environment between calls.
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
  writeFileSync(join(lp.context().workdir, 'latencies.json'), JSON.stringify(latencies));
  lp.stop();
}

/** The source, the learner and one actor. */
export function makeBusyProgram(calls: number): lp.Program {
  const program = new lp.Program('busy_service');
  const source = program.addNode(new lp.ServiceNode(BatchSource), 'source');
  const learner = program.addNode(new lp.ServiceNode(BusyLearner, source), 'learner');
  program.addNode(new lp.FunctionNode(actor, learner, calls), 'actor');
  return program;
}

const quantile = (sorted: number[], q: number): number =>
  sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;

/** Runs the program under `launchType`; returns the median and p90 call latency, ms. */
export async function measureBusyService(
  launchType: lp.LaunchType,
  calls: number,
): Promise<{ medianMs: number; p90Ms: number }> {
  const running = lp.launch(makeBusyProgram(calls), { launchType });
  await running.wait();
  const latencies = (
    JSON.parse(readFileSync(join(running.workdir, 'latencies.json'), 'utf8')) as number[]
  ).sort((a, b) => a - b);
  return { medianMs: quantile(latencies, 0.5), p90Ms: quantile(latencies, 0.9) };
}

lp.main(async () => {
  const { values } = parseArgs({
    strict: false,
    options: { launch_types: { type: 'string' }, calls: { type: 'string' } },
  });
  const launchTypes = String(values.launch_types ?? 'processes,threads').split(
    ',',
  ) as lp.LaunchType[];
  const calls = Number(values.calls ?? 40);
  const results: Record<string, { medianMs: number; p90Ms: number }> = {};
  for (const launchType of launchTypes) {
    results[launchType] = await measureBusyService(launchType, calls);
  }
  const threads = results['threads']?.medianMs ?? Number.NaN;
  const processes = results['processes']?.medianMs ?? Number.NaN;
  const ratio = threads / processes;
  console.log(
    `call latency with the callee busy (${WORK_MS} ms per stream item), median of ${calls}: ` +
      `threads ${threads.toFixed(1)} ms, processes ${processes.toFixed(1)} ms, ` +
      `ratio ${ratio.toFixed(2)}× (target ≤ 1.5: ${ratio <= 1.5 ? 'met' : 'NOT met'})`,
  );
  console.log(
    `RESULT ${JSON.stringify({ workMs: WORK_MS, calls, results, threadsOverProcesses: ratio })}`,
  );
});
