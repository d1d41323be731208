/**
 * @module
 * Steps to 475 of the Ape-X DQN example without processes, threads or the clock, so that
 * hyper-parameters can be compared on a busy machine:
 * `npx tsx bench/apex-lockstep.ts [--seeds=1,2,3] [--config='{"learningRate":0.002}']
 * [--eval_every=50] [--max_learner_steps=12000]`.
 *
 * The example's parts in one loop: its actors (ε-greedy with the per-actor ε, n-step
 * transitions, initial priorities from the Q-values they act with, a parameter fetch every
 * `actorUpdatePeriod` steps), a prioritized {@link ReplayService} in the same process,
 * and its learner's step (`trainStep`, importance weights, new priorities, the target
 * copy, publication every `publishPeriod` steps). The actors take turns, 4 steps each, and
 * the learner takes one step per `batchSize / samplesPerInsert` inserted transitions, the
 * ratio the example's rate limiter holds; the evaluator's 10 greedy episodes run every
 * `--eval_every` learner steps on the last published parameters. One JSON line per seed:
 * the env and learner steps at the first evaluation at or above the target (or at the
 * budget), the best mean return, and the CPU seconds the seed took.
 *
 * What it leaves out: the real run's timing. There actors run ahead of the learner
 * within the rate limiter's buffer, parameters arrive a little late, and the evaluator
 * runs on a clock, so its runs need more steps than these and vary more; these are for
 * comparing settings, seed by seed, not for predicting a run's time.
 *
 * Bounded: seeds × at most `--max_learner_steps` learner steps.
 */
import { cpuUsage } from 'node:process';
import { parseArgs } from 'node:util';
import {
  RateLimiters,
  Removers,
  ReplayService,
  Samplers,
  type SampledItem,
} from 'launchpad-ts/replay';
import { CartPole } from '../examples/common/cartpole.ts';
import { Adam, Mlp } from '../examples/common/mlp.ts';
import { Random } from '../examples/common/random.ts';
import { DEFAULT_CONFIG, actorEpsilon, type ApexConfig } from '../examples/apex_dqn/config.ts';
import { InitialPriorities, PRIORITY_FLOOR } from '../examples/apex_dqn/initial-priorities.ts';
import { NStepAccumulator } from '../examples/apex_dqn/n-step.ts';
import { greedyAction, networkSizes, trainStep } from '../examples/apex_dqn/q-learning.ts';
import { unpackBatch, type Transition } from '../examples/apex_dqn/transition.ts';

const TABLE = 'transitions';
// Steps each actor takes per turn.
const TURN = 4;

const { values } = parseArgs({
  options: {
    seeds: { type: 'string', default: '1,2,3' },
    config: { type: 'string', default: '{}' },
    eval_every: { type: 'string', default: '50' },
    max_learner_steps: { type: 'string', default: '12000' },
  },
});
const seeds = values.seeds.split(',').map(Number);
const overrides = JSON.parse(values.config) as Partial<ApexConfig>;
const evalEvery = Number(values.eval_every);
const maxLearnerSteps = Number(values.max_learner_steps);
if (
  seeds.some((seed) => !Number.isInteger(seed) || seed < 0) ||
  !(evalEvery >= 1) ||
  !(maxLearnerSteps >= 1)
) {
  throw new Error(
    '--seeds must be non-negative integers, --eval_every and --max_learner_steps positive',
  );
}

/** One actor of the example, stepped by hand. */
class LockstepActor {
  readonly #random: Random;
  readonly #env: CartPole;
  readonly #epsilon: number;
  readonly #accumulator: NStepAccumulator;
  readonly #priorities = new InitialPriorities();
  #observation: Float32Array;
  #steps = 0;
  readonly net: Mlp;

  constructor(
    private readonly config: ApexConfig,
    index: number,
  ) {
    // The example's actor's seeding (actor.ts).
    this.#random = new Random(config.seed * 1_000 + index);
    this.#env = new CartPole(this.#random.fork());
    this.net = new Mlp(networkSizes(config.hidden));
    this.#epsilon = actorEpsilon(config, index);
    this.#accumulator = new NStepAccumulator(config.nStep, config.gamma);
    this.#observation = this.#env.reset();
  }

  /** Takes one step; returns a batch of prioritised transitions when one is full. */
  step(published: Float32Array): { data: Transition; priorities: Record<string, number> }[] {
    if (this.#steps++ % this.config.actorUpdatePeriod === 0) this.net.setParams(published);
    const q = this.net.forwardOne(this.#observation);
    const left = q[0] ?? 0;
    const right = q[1] ?? 0;
    this.#priorities.resolve(Math.max(left, right));
    const action = this.#random.next() < this.#epsilon ? this.#random.int(2) : right > left ? 1 : 0;
    const step = this.#env.step(action);
    const value = action === 1 ? right : left;
    let bootstrap: number | undefined;
    if (step.terminated) bootstrap = 0;
    else if (step.truncated) {
      const last = this.net.forwardOne(step.observation);
      bootstrap = Math.max(last[0] ?? 0, last[1] ?? 0);
    }
    const ready = this.#accumulator.add(
      { observation: this.#observation, action, reward: step.reward, value },
      step.observation,
      step,
    );
    this.#priorities.add(ready, bootstrap);
    this.#observation = step.terminated || step.truncated ? this.#env.reset() : step.observation;
    if (this.#priorities.readyCount < this.config.insertBatch) return [];
    return this.#priorities
      .take()
      .map(({ transition, priority }) => ({ data: transition, priorities: { [TABLE]: priority } }));
  }
}

/** The greedy policy's mean return over the evaluator's fixed episodes. */
function evaluate(config: ApexConfig, net: Mlp): number {
  const env = new CartPole(new Random(config.seed + 99_991));
  let total = 0;
  for (let episode = 0; episode < config.evalEpisodes; episode++) {
    let observation = env.reset();
    for (;;) {
      const step = env.step(greedyAction(net, observation));
      total += step.reward;
      if (step.terminated || step.truncated) break;
      observation = step.observation;
    }
  }
  return total / config.evalEpisodes;
}

/** Importance weights (N·P(i))^-β, normalised by the largest, as the learner computes them. */
function importanceWeights(items: readonly SampledItem<Transition>[], beta: number): Float32Array {
  const weights = Float32Array.from(items, (item) => (item.tableSize * item.probability) ** -beta);
  let largest = 0;
  for (const weight of weights) largest = Math.max(largest, weight);
  for (let i = 0; i < weights.length; i++) weights[i] = (weights[i] ?? 0) / largest;
  return weights;
}

async function runSeed(seed: number): Promise<void> {
  const config: ApexConfig = { ...DEFAULT_CONFIG, ...overrides, seed };
  const replay = new ReplayService<Transition>({
    seed,
    tables: [
      {
        name: TABLE,
        maxSize: config.replaySize,
        sampler: Samplers.prioritized(config.priorityExponent),
        remover: Removers.fifo(),
        rateLimiter: RateLimiters.minSize(config.minReplay),
      },
    ],
  });
  const sizes = networkSizes(config.hidden);
  // The example's learner's seeding and settings (learner.ts).
  const online = new Mlp(sizes, new Random(seed * 7_919 + 17));
  const target = new Mlp(sizes);
  target.setParams(online.params);
  const optimizer = new Adam(online.params.length, {
    learningRate: config.learningRate,
    maxGradNorm: 10,
  });
  const nets = { online, target, optimizer };
  const evaluator = new Mlp(sizes);
  let published = online.params.slice();
  const actors = Array.from(
    { length: config.numActors },
    (_, index) => new LockstepActor(config, index),
  );
  const insertsPerLearnerStep = config.batchSize / config.samplesPerInsert;
  let inserted = 0;
  let learnerSteps = 0;
  let credit = 0;
  let best = 0;
  let solved = false;
  const started = cpuUsage();
  while (!solved && learnerSteps < maxLearnerSteps) {
    for (const actor of actors) {
      for (let k = 0; k < TURN; k++) {
        const batch = actor.step(published);
        if (batch.length === 0) continue;
        await replay.insertMany(batch);
        inserted += batch.length;
        if (inserted >= config.minReplay) credit += batch.length;
      }
    }
    while (!solved && credit >= insertsPerLearnerStep) {
      credit -= insertsPerLearnerStep;
      const items = await replay.sample(TABLE, config.batchSize);
      const weights = importanceWeights(items, config.importanceExponent);
      const errors = trainStep(nets, unpackBatch(items.map((item) => item.data)), weights);
      replay.updatePriorities(
        TABLE,
        items.map((item, i): [number, number] => [
          item.key,
          Math.abs(errors[i] ?? 0) + PRIORITY_FLOOR,
        ]),
      );
      learnerSteps++;
      if (learnerSteps % config.targetPeriod === 0) target.setParams(online.params);
      if (learnerSteps % config.publishPeriod === 0) published = online.params.slice();
      if (learnerSteps % evalEvery === 0) {
        evaluator.setParams(published);
        const meanReturn = evaluate(config, evaluator);
        best = Math.max(best, meanReturn);
        solved = meanReturn >= config.targetReturn;
      }
    }
  }
  const cpu = cpuUsage(started);
  console.log(
    JSON.stringify({
      seed,
      solved,
      envSteps: inserted,
      learnerSteps,
      best,
      cpuSeconds: Number(((cpu.user + cpu.system) / 1e6).toFixed(1)),
    }),
  );
}

console.log(JSON.stringify({ config: overrides, evalEvery, maxLearnerSteps }));
for (const seed of seeds) await runSeed(seed);
