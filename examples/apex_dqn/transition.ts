/**
 * An n-step transition packed in one Float32Array, so replay stores and ships it as a
 * single typed array: observation, action, n-step return, next observation, and the
 * discount to apply to the next observation's value (0 when the episode terminated).
 */
import { OBSERVATION_SIZE } from '../common/cartpole.ts';

/** A packed transition (see {@link packTransition}). */
export type Transition = Float32Array;

const ACTION = OBSERVATION_SIZE;
const REWARD = ACTION + 1;
const NEXT = REWARD + 1;
const DISCOUNT = NEXT + OBSERVATION_SIZE;
/** Numbers per packed transition. */
export const TRANSITION_SIZE = DISCOUNT + 1;

/** The fields of one transition. */
export interface TransitionFields {
  readonly observation: Float32Array;
  readonly action: number;
  /** The n-step discounted return. */
  readonly reward: number;
  /** The observation n steps later (or the last one of the episode). */
  readonly next: Float32Array;
  /** γ^k for the k steps summed, or 0 when the episode terminated. */
  readonly discount: number;
}

/** Packs one transition. */
export function packTransition(fields: TransitionFields): Transition {
  const packed = new Float32Array(TRANSITION_SIZE);
  packed.set(fields.observation, 0);
  packed[ACTION] = fields.action;
  packed[REWARD] = fields.reward;
  packed.set(fields.next, NEXT);
  packed[DISCOUNT] = fields.discount;
  return packed;
}

/**
 * The n-step target of a transition, `return + discount × bootstrap`, where `bootstrap`
 * is the value of its next observation (ignored when the episode terminated: discount 0).
 */
export function nStepTarget(transition: Transition, bootstrap: number): number {
  return (transition[REWARD] ?? 0) + (transition[DISCOUNT] ?? 0) * bootstrap;
}

/** The fields of a batch of packed transitions, laid out for the network. */
export interface TransitionBatch {
  readonly observations: Float32Array;
  readonly actions: Int32Array;
  readonly rewards: Float32Array;
  readonly nextObservations: Float32Array;
  readonly discounts: Float32Array;
}

/** Unpacks transitions into one array per field. */
export function unpackBatch(transitions: readonly Transition[]): TransitionBatch {
  const n = transitions.length;
  const batch = {
    observations: new Float32Array(n * OBSERVATION_SIZE),
    actions: new Int32Array(n),
    rewards: new Float32Array(n),
    nextObservations: new Float32Array(n * OBSERVATION_SIZE),
    discounts: new Float32Array(n),
  };
  transitions.forEach((t, i) => {
    if (t.length !== TRANSITION_SIZE) {
      throw new RangeError(
        `unpackBatch: transition ${i} has ${t.length} numbers, expected ${TRANSITION_SIZE}`,
      );
    }
    batch.observations.set(t.subarray(0, OBSERVATION_SIZE), i * OBSERVATION_SIZE);
    batch.actions[i] = t[ACTION] ?? 0;
    batch.rewards[i] = t[REWARD] ?? 0;
    batch.nextObservations.set(t.subarray(NEXT, DISCOUNT), i * OBSERVATION_SIZE);
    batch.discounts[i] = t[DISCOUNT] ?? 0;
  });
  return batch;
}
