/**
 * The newcomer's DQN shape of issue 27: a replay node; a learner whose `run()` loops over
 * `sampleStream(replay, 'replay', { batchSize: 64, inFlight: 2 })` doing about 3 ms of
 * CPU per batch; 2 actors that step an environment (about 50 µs of CPU a step), insert
 * each step into replay with up to 64 inserts in flight, and call `learner.getParams()`
 * (4,096 floats) every 200 steps. Prints, per launch type, the actors' env steps/s and how
 * long each `getParams()` waited (median, p90), and the ratio threads / processes of env
 * steps/s (`test/rpc/busy-learner.test.ts` counts the batches a call waits):
 * `npx tsx bench/busy-learner.ts [--launch_types=processes,threads] [--steps=6000]`.
 * Bounded by the number of steps each actor takes.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import * as lp from 'launchpad-ts';
import {
  RateLimiters,
  Removers,
  ReplayNode,
  Samplers,
  sampleStream,
  type ReplayClient,
} from 'launchpad-ts/replay';

const WORK_MS = 3;
const STEP_MS = 0.05;
const PARAMS = 4096;
const BATCH = 64;
const INSERTS_IN_FLIGHT = 64;
const PARAMS_EVERY = 200;
const ACTORS = 2;

function spin(ms: number): void {
  const end = performance.now() + ms;
  while (performance.now() < end) {
    // work the event loop cannot interleave with
  }
}

/** Loops over sampled batches; answers `getParams` meanwhile. */
export class Learner {
  #batches = 0;
  constructor(private readonly replay: ReplayClient<Float32Array>) {}

  /** The learner's loop, until the program stops. */
  async run(): Promise<void> {
    const signal = lp.stopSignal();
    for await (const batch of sampleStream(this.replay, 'replay', {
      batchSize: BATCH,
      inFlight: 2,
      signal,
    })) {
      spin(WORK_MS);
      this.#batches += batch.length > 0 ? 1 : 0;
    }
  }

  /** The parameters, with the learner's batch count in the first element. */
  getParams(): Float32Array {
    const params = new Float32Array(PARAMS);
    params[0] = this.#batches;
    return params;
  }
}

interface ActorResult {
  stepsPerSecond: number;
  waitsMs: number[];
  waitsBatches: number[];
}

/** Steps, inserts and fetches parameters; writes its figures; the last one stops the run. */
export async function actor(
  replay: ReplayClient<Float32Array>,
  learner: lp.Client<Learner>,
  index: number,
  steps: number,
): Promise<void> {
  const observation = new Float32Array(16);
  const sending: Promise<unknown>[] = [];
  const waitsMs: number[] = [];
  const waitsBatches: number[] = [];
  const start = performance.now();
  for (let step = 0; step < steps; step++) {
    spin(STEP_MS);
    observation[0] = step;
    if (sending.length >= INSERTS_IN_FLIGHT) await sending.shift();
    sending.push(replay.insert(observation, { replay: 1 }));
    if (step % PARAMS_EVERY === 0) {
      const before = performance.now();
      const params = await learner.getParams();
      waitsMs.push(performance.now() - before);
      waitsBatches.push(params[0] ?? 0);
    }
  }
  await Promise.all(sending);
  const result: ActorResult = {
    stepsPerSecond: steps / ((performance.now() - start) / 1000),
    waitsMs,
    waitsBatches,
  };
  const workdir = lp.context().workdir;
  writeFileSync(join(workdir, `actor-${index}.json`), JSON.stringify(result));
  while (![...Array(ACTORS).keys()].every((i) => existsSync(join(workdir, `actor-${i}.json`)))) {
    await sleep(50);
  }
  if (index === 0) lp.stop();
}

function makeProgram(steps: number): lp.Program {
  const program = new lp.Program('busy_learner');
  const replay = program.addNode(
    new ReplayNode<Float32Array>({
      tables: [
        {
          name: 'replay',
          maxSize: 100_000,
          sampler: Samplers.uniform(),
          remover: Removers.fifo(),
          rateLimiter: RateLimiters.minSize(1_000),
        },
      ],
    }),
    'replay',
  );
  const learner = program.addNode(new lp.ServiceNode(Learner, replay), 'learner');
  for (let i = 0; i < ACTORS; i++) {
    program.addNode(new lp.FunctionNode(actor, replay, learner, i, steps), 'actor');
  }
  return program;
}

const quantile = (sorted: number[], q: number): number =>
  sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;

interface Figures {
  stepsPerSecond: number;
  waitMedianMs: number;
  waitP90Ms: number;
}

async function measure(launchType: lp.LaunchType, steps: number): Promise<Figures> {
  const running = lp.launch(makeProgram(steps), { launchType });
  await running.wait();
  const results = [...Array(ACTORS).keys()].map(
    (i) =>
      JSON.parse(readFileSync(join(running.workdir, `actor-${i}.json`), 'utf8')) as ActorResult,
  );
  // Only waits once the learner is looping (it has handled a batch) count.
  const waits = results.flatMap((r) => r.waitsMs.filter((_, i) => (r.waitsBatches[i] ?? 0) > 0));
  waits.sort((a, b) => a - b);
  return {
    stepsPerSecond: results.reduce((sum, r) => sum + r.stepsPerSecond, 0) / ACTORS,
    waitMedianMs: quantile(waits, 0.5),
    waitP90Ms: quantile(waits, 0.9),
  };
}

lp.main(async () => {
  const { values } = parseArgs({
    strict: false,
    options: { launch_types: { type: 'string' }, steps: { type: 'string' } },
  });
  const launchTypes = String(values.launch_types ?? 'processes,threads').split(
    ',',
  ) as lp.LaunchType[];
  const steps = Number(values.steps ?? 6000);
  const results: Record<string, Figures> = {};
  for (const launchType of launchTypes) {
    results[launchType] = await measure(launchType, steps);
    const f = results[launchType];
    console.log(
      `${launchType}: ${f.stepsPerSecond.toFixed(0)} env steps/s per actor; getParams waited ` +
        `${f.waitMedianMs.toFixed(1)} ms median, ${f.waitP90Ms.toFixed(1)} ms p90 ` +
        `(load ${loadavg()[0]?.toFixed(1)})`,
    );
  }
  const ratio =
    (results['threads']?.stepsPerSecond ?? Number.NaN) /
    (results['processes']?.stepsPerSecond ?? Number.NaN);
  console.log(`env steps/s threads / processes: ${ratio.toFixed(2)}× (target ≥ 0.6)`);
  console.log(
    `RESULT ${JSON.stringify({ results, threadsOverProcesses: ratio, load: loadavg() })}`,
  );
});
