/**
 * The Q-learning arithmetic of the example: greedy actions, double-DQN targets, and one
 * gradient step on the Huber loss weighted by importance-sampling weights.
 */
import { ACTION_COUNT, OBSERVATION_SIZE } from '../common/cartpole.ts';
import type { Adam, Mlp } from '../common/mlp.ts';
import type { TransitionBatch } from './transition.ts';

/** The action with the highest Q-value for one observation. */
export function greedyAction(net: Mlp, observation: Float32Array): number {
  const q = net.forwardOne(observation);
  return (q[1] ?? 0) > (q[0] ?? 0) ? 1 : 0;
}

/**
 * Double-DQN targets: the online network picks the next action, the target network
 * values it. (With the online network as `target` too, this is the actors' estimate.)
 */
export function doubleQTargets(online: Mlp, target: Mlp, batch: TransitionBatch): Float32Array {
  const n = batch.actions.length;
  // Buffers of the networks, read before the next forward of `online` overwrites them.
  const nextOnline = online.forward(batch.nextObservations, n);
  const nextTarget = target === online ? nextOnline : target.forward(batch.nextObservations, n);
  const targets = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const best =
      (nextOnline[i * ACTION_COUNT + 1] ?? 0) > (nextOnline[i * ACTION_COUNT] ?? 0) ? 1 : 0;
    const value = nextTarget[i * ACTION_COUNT + best] ?? 0;
    targets[i] = (batch.rewards[i] ?? 0) + (batch.discounts[i] ?? 0) * value;
  }
  return targets;
}

/**
 * TD errors `target − Q(s, a)` of a batch with the network as its own target: what an
 * actor's initial priorities are, computed over a whole batch (actors get them from the
 * Q-values they act with, `initial-priorities.ts`; the tests compare the two).
 */
export function tdErrors(online: Mlp, target: Mlp, batch: TransitionBatch): Float32Array {
  const targets = doubleQTargets(online, target, batch);
  const q = online.forward(batch.observations, batch.actions.length);
  return targets.map((t, i) => t - (q[i * ACTION_COUNT + (batch.actions[i] ?? 0)] ?? 0));
}

/**
 * One learner step: Huber loss between Q(s, a) and the double-DQN target, each item
 * weighted by its importance weight; returns the TD errors for new priorities.
 */
export function trainStep(
  nets: { readonly online: Mlp; readonly target: Mlp; readonly optimizer: Adam },
  batch: TransitionBatch,
  weights: Float32Array,
): Float32Array {
  const { online, target, optimizer } = nets;
  const n = batch.actions.length;
  const targets = doubleQTargets(online, target, batch);
  // The forward pass on s comes last: backward() uses the activations of the last forward.
  const q = online.forward(batch.observations, n);
  const gradient = new Float32Array(n * ACTION_COUNT);
  const errors = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const index = i * ACTION_COUNT + (batch.actions[i] ?? 0);
    const error = (targets[i] ?? 0) - (q[index] ?? 0);
    errors[i] = error;
    // d Huber(q − target) / d q, clipped at 1 as in the DQN paper.
    gradient[index] = (-Math.max(-1, Math.min(1, error)) * (weights[i] ?? 1)) / n;
  }
  optimizer.step(online.params, online.backward(gradient));
  return errors;
}

/** The Q-network's layer sizes for CartPole. */
export function networkSizes(hidden: readonly number[]): number[] {
  return [OBSERVATION_SIZE, ...hidden, ACTION_COUNT];
}
