/**
 * @module
 * CPU time of the Ape-X DQN example's learner step and of an actor's forward pass, in
 * this process, so that the figure does not depend on the machine's load:
 * `npx tsx bench/apex-train-step.ts [--baseline=<dir>] [--rounds=3]`.
 *
 * The learner step is the example's `trainStep` (double-DQN targets from the online and
 * target networks, the forward pass on the batch, backward, Adam) on a fixed batch of 64
 * packed transitions, unpacked each time as the learner does; the forward pass is
 * `Mlp.forwardOne` of one observation (an actor's or the evaluator's step). CPU time, not
 * wall time, per call, after a warm-up. `--baseline=<dir>` names another copy of the
 * example (`git archive <commit> examples/apex_dqn examples/common | tar -x -C <dir>`) to
 * measure in the same run, round by round in turn.
 *
 * Bounded: rounds × (2,000 learner steps + 200,000 forward passes) per copy.
 */
import { loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { cpuUsage } from 'node:process';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import type * as ConfigModule from '../examples/apex_dqn/config.ts';
import type * as LearningModule from '../examples/apex_dqn/q-learning.ts';
import type * as TransitionModule from '../examples/apex_dqn/transition.ts';
import type * as MlpModule from '../examples/common/mlp.ts';
import type * as RandomModule from '../examples/common/random.ts';

const TRAIN_STEPS = 2_000;
const FORWARD_PASSES = 200_000;
const WARM_UP = 300;
const BATCH = 64;

const { values } = parseArgs({
  options: { baseline: { type: 'string' }, rounds: { type: 'string', default: '3' } },
});
const rounds = Number(values.rounds);
if (!Number.isInteger(rounds) || rounds < 1) throw new Error('--rounds must be a positive integer');

/** The parts of the example this measures, from one copy of it. */
interface ExampleCopy {
  readonly name: string;
  readonly mlp: typeof MlpModule;
  readonly random: typeof RandomModule;
  readonly learning: typeof LearningModule;
  readonly transition: typeof TransitionModule;
  readonly config: typeof ConfigModule;
}

async function loadCopy(name: string, root: string): Promise<ExampleCopy> {
  const load = (path: string): Promise<unknown> =>
    import(pathToFileURL(join(root, 'examples', path)).href);
  return {
    name,
    mlp: (await load('common/mlp.ts')) as ExampleCopy['mlp'],
    random: (await load('common/random.ts')) as ExampleCopy['random'],
    learning: (await load('apex_dqn/q-learning.ts')) as ExampleCopy['learning'],
    transition: (await load('apex_dqn/transition.ts')) as ExampleCopy['transition'],
    config: (await load('apex_dqn/config.ts')) as ExampleCopy['config'],
  };
}

/** CPU microseconds per call of `run`, after a warm-up. */
function cpuMicroseconds(count: number, run: () => void): number {
  for (let i = 0; i < WARM_UP; i++) run();
  const started = cpuUsage();
  for (let i = 0; i < count; i++) run();
  const used = cpuUsage(started);
  return (used.user + used.system) / count;
}

function measure(copy: ExampleCopy): { trainStepUs: number; forwardOneUs: number } {
  const { Adam, Mlp } = copy.mlp;
  const { DEFAULT_CONFIG } = copy.config;
  const random = new copy.random.Random(1);
  const sizes = copy.learning.networkSizes(DEFAULT_CONFIG.hidden);
  const online = new Mlp(sizes, random);
  const target = new Mlp(sizes);
  target.setParams(online.params);
  const optimizer = new Adam(online.params.length, {
    learningRate: DEFAULT_CONFIG.learningRate,
    maxGradNorm: 10,
  });
  const observation = (): Float32Array =>
    Float32Array.from({ length: 4 }, () => random.uniform(-1, 1));
  const transitions = Array.from({ length: BATCH }, () =>
    copy.transition.packTransition({
      observation: observation(),
      action: random.int(2),
      reward: 1,
      next: observation(),
      discount: 0.97,
    }),
  );
  const weights = new Float32Array(BATCH).fill(1);
  const nets = { online, target, optimizer };
  const trainStepUs = cpuMicroseconds(TRAIN_STEPS, () => {
    copy.learning.trainStep(nets, copy.transition.unpackBatch(transitions), weights);
  });
  const one = observation();
  const forwardOneUs = cpuMicroseconds(FORWARD_PASSES, () => online.forwardOne(one));
  return { trainStepUs, forwardOneUs };
}

const copies = [await loadCopy('this', resolve(import.meta.dirname, '..'))];
if (values.baseline !== undefined) copies.push(await loadCopy('baseline', values.baseline));
for (let round = 1; round <= rounds; round++) {
  for (const copy of copies) {
    const { trainStepUs, forwardOneUs } = measure(copy);
    console.log(
      JSON.stringify({
        round,
        copy: copy.name,
        trainStepUs: Math.round(trainStepUs),
        forwardOneUs: Number(forwardOneUs.toFixed(2)),
        load: loadavg()[0],
      }),
    );
  }
}
