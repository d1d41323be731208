/**
 * An actor's initial priorities, |n-step target − Q(s, a)|, from the Q-values it computes
 * anyway to act (as the Ape-X paper's actors do), instead of two more forward passes per
 * transition over each batch. A transition's bootstrap value is the greedy value of the
 * observation it ends on, which the actor computes at its next step; until then the
 * transition waits here.
 */
import type { NStepTransition } from './n-step.ts';
import { nStepTarget, type Transition } from './transition.ts';

/** Added to every priority, so no transition is never sampled. */
export const PRIORITY_FLOOR = 1e-3;

/** A transition with its initial priority. */
export interface PrioritisedTransition {
  readonly transition: Transition;
  readonly priority: number;
}

/** Collects an actor's transitions and gives them out with their priorities. */
export class InitialPriorities {
  #ready: PrioritisedTransition[] = [];
  #awaiting: NStepTransition[] = [];

  /** Transitions whose priority is known, waiting to be sent. */
  get readyCount(): number {
    return this.#ready.length;
  }

  /**
   * Adds the transitions of one step. `bootstrap` is the value of the observation they end
   * on when known now (the episode ended: 0 if it terminated, the network's value of the
   * last observation if it was truncated); `undefined` when it comes with the next step's
   * Q-values ({@link resolve}).
   */
  add(transitions: readonly NStepTransition[], bootstrap: number | undefined): void {
    if (bootstrap === undefined) {
      this.#awaiting.push(...transitions);
      return;
    }
    for (const item of transitions) this.#settle(item, bootstrap);
  }

  /** Gives the transitions that waited for it the greedy value of the current observation. */
  resolve(bootstrap: number): void {
    if (this.#awaiting.length === 0) return;
    for (const item of this.#awaiting) this.#settle(item, bootstrap);
    this.#awaiting = [];
  }

  /** Takes every transition whose priority is known. */
  take(): PrioritisedTransition[] {
    const ready = this.#ready;
    this.#ready = [];
    return ready;
  }

  #settle(item: NStepTransition, bootstrap: number): void {
    const error = nStepTarget(item.transition, bootstrap) - item.value;
    this.#ready.push({ transition: item.transition, priority: Math.abs(error) + PRIORITY_FLOOR });
  }
}
