/**
 * CartPole-v1 as Gymnasium 1.3 defines it (Euler integration, 500-step limit), in plain
 * TypeScript so every example can run it without a Python dependency. The physics follow
 * Barto, Sutton and Anderson (1983); the test checks it against Gymnasium's own trajectories.
 */
import type { Random } from './random.ts';

const GRAVITY = 9.8;
const MASS_CART = 1.0;
const MASS_POLE = 0.1;
const TOTAL_MASS = MASS_CART + MASS_POLE;
/** Half the pole's length. */
const LENGTH = 0.5;
const POLE_MASS_LENGTH = MASS_POLE * LENGTH;
const FORCE_MAG = 10.0;
/** Seconds between two steps. */
const TAU = 0.02;
const THETA_THRESHOLD = (12 * 2 * Math.PI) / 360;
const X_THRESHOLD = 2.4;

/** Number of observation components: cart position, cart velocity, pole angle, pole angular velocity. */
export const OBSERVATION_SIZE = 4;
/** Number of actions: 0 pushes the cart left, 1 pushes it right. */
export const ACTION_COUNT = 2;
/** CartPole-v1's episode length limit; an episode that reaches it is truncated, not terminated. */
export const MAX_EPISODE_STEPS = 500;
/** CartPole-v1's solved threshold for the mean return. */
export const SOLVED_RETURN = 475;

/** What one {@link CartPole.step} returns, as Gymnasium's `step()` does. */
export interface CartPoleStep {
  /** The observation after the step, rounded to float32 as Gymnasium returns it. */
  readonly observation: Float32Array;
  /** 1 for every step, including the one that ends the episode. */
  readonly reward: number;
  /** The pole fell or the cart left the track. */
  readonly terminated: boolean;
  /** The episode reached {@link MAX_EPISODE_STEPS} without terminating. */
  readonly truncated: boolean;
}

/** One CartPole-v1 environment. Call {@link reset} before the first {@link step}. */
export class CartPole {
  // The state stays in float64, as Gymnasium keeps it; only observations are float32.
  private readonly state = new Float64Array(OBSERVATION_SIZE);
  private steps = 0;
  private done = true;

  /** @param random draws the initial states (uniform in ±0.05, as Gymnasium does). */
  constructor(private readonly random: Random) {}

  /** Starts an episode from a random state, or from `initialState` when given (for replaying a recording). */
  reset(initialState?: ArrayLike<number>): Float32Array {
    if (initialState !== undefined) {
      if (initialState.length !== OBSERVATION_SIZE) {
        throw new RangeError(
          `CartPole.reset: initialState must have ${OBSERVATION_SIZE} numbers, got ${initialState.length}`,
        );
      }
      for (let i = 0; i < OBSERVATION_SIZE; i++) this.state[i] = initialState[i] ?? 0;
    } else {
      for (let i = 0; i < OBSERVATION_SIZE; i++) this.state[i] = this.random.uniform(-0.05, 0.05);
    }
    this.steps = 0;
    this.done = false;
    return Float32Array.from(this.state);
  }

  /** Applies `action` (0 or 1) for one time step. */
  step(action: number): CartPoleStep {
    if (action !== 0 && action !== 1) {
      throw new RangeError(`CartPole.step: action must be 0 or 1, got ${action}`);
    }
    if (this.done) {
      throw new Error('CartPole.step: the episode has ended; call reset() first');
    }
    const s = this.state;
    const x = s[0] ?? 0;
    const xDot = s[1] ?? 0;
    const theta = s[2] ?? 0;
    const thetaDot = s[3] ?? 0;
    const force = action === 1 ? FORCE_MAG : -FORCE_MAG;
    // Grouped as Gymnasium groups them (np.square), so rounding matches over 500 steps.
    const cosTheta = Math.cos(theta);
    const sinTheta = Math.sin(theta);
    const temp = (force + POLE_MASS_LENGTH * (thetaDot * thetaDot) * sinTheta) / TOTAL_MASS;
    const thetaAcc =
      (GRAVITY * sinTheta - cosTheta * temp) /
      (LENGTH * (4.0 / 3.0 - (MASS_POLE * (cosTheta * cosTheta)) / TOTAL_MASS));
    const xAcc = temp - (POLE_MASS_LENGTH * thetaAcc * cosTheta) / TOTAL_MASS;
    s[0] = x + TAU * xDot;
    s[1] = xDot + TAU * xAcc;
    s[2] = theta + TAU * thetaDot;
    s[3] = thetaDot + TAU * thetaAcc;
    this.steps++;
    const newX = s[0];
    const newTheta = s[2];
    const terminated =
      newX < -X_THRESHOLD ||
      newX > X_THRESHOLD ||
      newTheta < -THETA_THRESHOLD ||
      newTheta > THETA_THRESHOLD;
    const truncated = !terminated && this.steps >= MAX_EPISODE_STEPS;
    this.done = terminated || truncated;
    return { observation: Float32Array.from(s), reward: 1, terminated, truncated };
  }
}
