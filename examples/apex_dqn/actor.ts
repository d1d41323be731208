/**
 * An Ape-X actor: plays CartPole ε-greedily with its own ε, follows the learner's
 * parameters in the background, and sends n-step transitions with initial priorities
 * (its own TD errors) to replay in batches.
 */
import * as lp from 'launchpad-ts';
import type { ReplayClient } from 'launchpad-ts/replay';
import { CartPole } from '../common/cartpole.ts';
import { Mlp } from '../common/mlp.ts';
import { Random } from '../common/random.ts';
import { actorEpsilon, type ApexConfig } from './config.ts';
import type { Learner } from './learner.ts';
import { TABLE } from './learner.ts';
import { NStepAccumulator } from './n-step.ts';
import { greedyAction, networkSizes, tdErrors } from './q-learning.ts';
import { unpackBatch, type Transition } from './transition.ts';

/** Generates experience until the program stops. */
export class Actor {
  /**
   * @param replay - where transitions go
   * @param learner - where parameters come from
   * @param config - the example's settings
   * @param index - this actor's index, which sets its ε and its seed
   */
  constructor(
    private readonly replay: ReplayClient<Transition>,
    private readonly learner: lp.Client<Learner>,
    private readonly config: ApexConfig,
    private readonly index: number,
  ) {}

  /** Acts until the program stops. */
  async run(): Promise<void> {
    const { config } = this;
    const signal = lp.stopSignal();
    const random = new Random(config.seed * 1_000 + this.index);
    const env = new CartPole(random.fork());
    const net = new Mlp(networkSizes(config.hidden));
    const epsilon = actorEpsilon(config, this.index);
    const accumulator = new NStepAccumulator(config.nStep, config.gamma);
    const variables = new lp.VariableClient(this.learner, {
      updatePeriod: config.actorUpdatePeriod,
    });
    let applied = 0;
    let observation = env.reset();
    let pending: Transition[] = [];
    let sending: Promise<unknown> = Promise.resolve();
    try {
      await variables.updateAndWait();
      while (!signal.aborted) {
        if (variables.version !== applied && variables.values !== undefined) {
          net.setParams(variables.values.params);
          applied = variables.version;
        }
        const action = random.next() < epsilon ? random.int(2) : greedyAction(net, observation);
        const step = env.step(action);
        pending.push(
          ...accumulator.add({ observation, action, reward: step.reward }, step.observation, step),
        );
        observation = step.terminated || step.truncated ? env.reset() : step.observation;
        variables.update();
        if (pending.length >= config.insertBatch) {
          const errors = tdErrors(net, net, unpackBatch(pending));
          const entries = pending.map((data, i) => ({
            data,
            priorities: { [TABLE]: Math.abs(errors[i] ?? 0) + 1e-3 },
          }));
          pending = [];
          // One batch in flight at most: the rate limiter's back-pressure reaches the loop.
          await sending;
          sending = this.replay.insertMany(entries);
          // Marked handled now; its error, if any, is thrown where it is awaited.
          sending.catch(() => undefined);
        }
      }
      await sending;
    } catch (error) {
      // Inserts waiting on the rate limiter are cancelled when the program stops.
      if (!signal.aborted) throw error;
    } finally {
      variables.close();
    }
  }
}
