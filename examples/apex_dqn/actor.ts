/**
 * An Ape-X actor: plays CartPole ε-greedily with its own ε, follows the learner's
 * parameters in the background, and sends n-step transitions with initial priorities
 * (its own TD errors, from the Q-values it acted with) to replay in batches, several
 * batches in flight.
 */
import * as lp from 'launchpad-ts';
import type { ReplayClient } from 'launchpad-ts/replay';
import { CartPole } from '../common/cartpole.ts';
import { Mlp } from '../common/mlp.ts';
import { Random } from '../common/random.ts';
import { actorEpsilon, type ApexConfig } from './config.ts';
import { TABLE, type ParameterSource } from './learner-api.ts';
import { InitialPriorities } from './initial-priorities.ts';
import { NStepAccumulator } from './n-step.ts';
import { networkSizes } from './q-learning.ts';
import type { Transition } from './transition.ts';

/** Generates experience until the program stops. */
export class Actor {
  /**
   * @param replay - where transitions go
   * @param learner - where parameters come from (the learner, or any parameter source)
   * @param config - the example's settings
   * @param index - this actor's index, which sets its ε and its seed
   */
  constructor(
    private readonly replay: ReplayClient<Transition>,
    private readonly learner: lp.Client<ParameterSource>,
    private readonly config: ApexConfig,
    private readonly index: number,
  ) {}

  /** Acts until the program stops. */
  async run(): Promise<void> {
    const { config } = this;
    if (!Number.isInteger(config.insertsInFlight) || config.insertsInFlight < 1) {
      throw new RangeError(
        `Actor ${this.index}: config.insertsInFlight must be an integer ≥ 1, got ${config.insertsInFlight}`,
      );
    }
    const signal = lp.stopSignal();
    const random = new Random(config.seed * 1_000 + this.index);
    const env = new CartPole(random.fork());
    const net = new Mlp(networkSizes(config.hidden));
    const epsilon = actorEpsilon(config, this.index);
    const accumulator = new NStepAccumulator(config.nStep, config.gamma);
    const priorities = new InitialPriorities();
    const variables = new lp.VariableClient(this.learner, {
      updatePeriod: config.actorUpdatePeriod,
    });
    const steps = lp.metrics.counter('env_steps_total', {
      help: 'Environment steps this actor has taken and sent to replay.',
    });
    let applied = 0;
    let observation = env.reset();
    // Batches sent and not yet answered, oldest first.
    const sending: Promise<unknown>[] = [];
    try {
      await variables.updateAndWait();
      while (!signal.aborted) {
        if (variables.version !== applied && variables.values !== undefined) {
          net.setParams(variables.values.params);
          applied = variables.version;
        }
        // Q-values on every step, greedy or not: they also give the priorities.
        const q = net.forwardOne(observation);
        const left = q[0] ?? 0;
        const right = q[1] ?? 0;
        priorities.resolve(Math.max(left, right));
        const action = random.next() < epsilon ? random.int(2) : right > left ? 1 : 0;
        const step = env.step(action);
        const value = action === 1 ? right : left;
        const done = step.terminated || step.truncated;
        priorities.add(
          accumulator.add(
            { observation, action, reward: step.reward, value },
            step.observation,
            step,
          ),
          // A truncated episode bootstraps from its last observation, never acted on.
          step.terminated ? 0 : step.truncated ? maxValue(net, step.observation) : undefined,
        );
        observation = done ? env.reset() : step.observation;
        variables.update();
        if (priorities.readyCount >= config.insertBatch) {
          const entries = priorities.take().map(({ transition, priority }) => ({
            data: transition,
            priorities: { [TABLE]: priority },
          }));
          // At most insertsInFlight batches unanswered: the next step overlaps the round
          // trips, and the rate limiter's back-pressure still reaches the loop.
          if (sending.length >= config.insertsInFlight) await sending.shift();
          const sent = this.replay.insertMany(entries);
          // Marked handled now; its error, if any, is thrown where it is awaited.
          sent.catch(() => undefined);
          sending.push(sent);
          steps.inc(entries.length);
        }
      }
      await Promise.all(sending);
    } catch (error) {
      // Inserts waiting on the rate limiter are cancelled when the program stops.
      if (!signal.aborted) throw error;
    } finally {
      variables.close();
    }
  }
}

/** The greedy value of one observation. */
function maxValue(net: Mlp, observation: Float32Array): number {
  const q = net.forwardOne(observation);
  return Math.max(q[0] ?? 0, q[1] ?? 0);
}
