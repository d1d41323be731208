/**
 * The policy ES searches for: linear in CartPole's observation, pushing right when
 * `w · observation + b > 0`. Five parameters are enough to balance the pole for the
 * full 500 steps, and they make a generation cheap.
 */
import { CartPole, MAX_EPISODE_STEPS, OBSERVATION_SIZE } from '../common/cartpole.ts';
import { Random } from '../common/random.ts';

/** Parameters of the policy: four weights and a bias. */
export const POLICY_SIZE = OBSERVATION_SIZE + 1;

/** What one episode gave. */
export interface Episode {
  /** The undiscounted return (steps survived, at most 500). */
  readonly return: number;
  /** Environment steps taken. */
  readonly steps: number;
}

/** The action the policy `params` takes on `observation`. */
export function act(params: ArrayLike<number>, observation: ArrayLike<number>): number {
  let sum = params[OBSERVATION_SIZE] ?? 0;
  for (let i = 0; i < OBSERVATION_SIZE; i++) sum += (params[i] ?? 0) * (observation[i] ?? 0);
  return sum > 0 ? 1 : 0;
}

/** Plays one CartPole-v1 episode whose initial state is drawn from `seed`. */
export function runEpisode(params: ArrayLike<number>, seed: number): Episode {
  if (params.length !== POLICY_SIZE) {
    throw new Error(`runEpisode: the policy has ${POLICY_SIZE} parameters, got ${params.length}`);
  }
  const env = new CartPole(new Random(seed));
  let observation = env.reset();
  for (let t = 1; t <= MAX_EPISODE_STEPS; t++) {
    const step = env.step(act(params, observation));
    if (step.terminated || step.truncated) return { return: t, steps: t };
    observation = step.observation;
  }
  return { return: MAX_EPISODE_STEPS, steps: MAX_EPISODE_STEPS };
}
