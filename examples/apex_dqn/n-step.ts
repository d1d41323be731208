/**
 * Turns an actor's steps into n-step transitions: each step's return sums the next n
 * rewards, discounted, and bootstraps from the observation n steps later. Each transition
 * keeps the Q-value the actor estimated for its action when it acted, for its priority.
 */
import { packTransition, type Transition } from './transition.ts';

/** One step as the actor took it. */
export interface ActedStep {
  readonly observation: Float32Array;
  readonly action: number;
  readonly reward: number;
  /** Q(observation, action) by the actor's network when it acted. */
  readonly value: number;
}

/** A complete n-step transition and the Q-value of its first step's action. */
export interface NStepTransition {
  readonly transition: Transition;
  /** Q(observation, action) when the actor acted. */
  readonly value: number;
}

/** Accumulates steps and emits a transition once n later steps (or the episode's end) are known. */
export class NStepAccumulator {
  #steps: ActedStep[] = [];

  /**
   * @param n - steps per return
   * @param gamma - discount per step
   */
  constructor(
    private readonly n: number,
    private readonly gamma: number,
  ) {}

  /**
   * Records a step taken from `observation`, and returns the transitions now complete.
   * `terminated` ends the return (no bootstrap); `truncated` ends the episode but
   * bootstraps from `next`, since the pole had not fallen.
   */
  add(
    step: ActedStep,
    next: Float32Array,
    ending: { readonly terminated: boolean; readonly truncated: boolean },
  ): NStepTransition[] {
    this.#steps.push(step);
    const out: NStepTransition[] = [];
    if (this.#steps.length >= this.n) out.push(this.#emit(next, ending.terminated));
    if (ending.terminated || ending.truncated) {
      while (this.#steps.length > 0) out.push(this.#emit(next, ending.terminated));
    }
    return out;
  }

  #emit(next: Float32Array, terminated: boolean): NStepTransition {
    const first = this.#steps[0];
    if (first === undefined) throw new Error('NStepAccumulator: no step to emit');
    let ret = 0;
    let discount = 1;
    for (const step of this.#steps) {
      ret += discount * step.reward;
      discount *= this.gamma;
    }
    this.#steps.shift();
    const transition = packTransition({
      observation: first.observation,
      action: first.action,
      reward: ret,
      next,
      discount: terminated ? 0 : discount,
    });
    return { transition, value: first.value };
  }
}
