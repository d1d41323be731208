/**
 * The Ape-X actor's own work: its initial priorities equal the TD errors of a whole batch
 * computed afresh, and it keeps several insert calls in flight instead of waiting for each.
 */
import * as lp from 'launchpad-ts';
import type { InsertEntry, ReplayService } from 'launchpad-ts/replay';
import { describe, expect, it } from 'vitest';
import { Actor } from '../../examples/apex_dqn/actor.ts';
import { DEFAULT_CONFIG, type ApexConfig } from '../../examples/apex_dqn/config.ts';
import { InitialPriorities, PRIORITY_FLOOR } from '../../examples/apex_dqn/initial-priorities.ts';
import type { ParameterSource, PolicyParams } from '../../examples/apex_dqn/learner-api.ts';
import { NStepAccumulator } from '../../examples/apex_dqn/n-step.ts';
import { networkSizes, tdErrors } from '../../examples/apex_dqn/q-learning.ts';
import { unpackBatch, type Transition } from '../../examples/apex_dqn/transition.ts';
import { CartPole } from '../../examples/common/cartpole.ts';
import { Mlp } from '../../examples/common/mlp.ts';
import { Random } from '../../examples/common/random.ts';
import { launchesInWorkdirs } from '../helpers/apex-runs.ts';

/** Serves one fixed set of parameters. */
export class FixedParameters implements ParameterSource {
  readonly #variables = new lp.VariableStore<PolicyParams>();

  constructor(config: ApexConfig) {
    this.#variables.publish({
      params: new Mlp(networkSizes(config.hidden), new Random(11)).params,
    });
  }

  fetchVariables(sinceVersion: number): lp.VariableUpdate<PolicyParams> | null {
    return this.#variables.fetchVariables(sinceVersion);
  }
}

/** A replay that answers no insertMany until released, and counts the calls waiting. */
export class HeldReplay {
  #waiting: (() => void)[] = [];
  #maxWaiting = 0;
  #calls = 0;
  #watchers: { calls: number; resolve: () => void }[] = [];

  insertMany(entries: readonly InsertEntry<Transition>[]): Promise<number[]> {
    this.#calls++;
    const keys = entries.map((_, i) => i);
    const answered = new Promise<number[]>((resolve) =>
      this.#waiting.push(() => {
        resolve(keys);
      }),
    );
    this.#maxWaiting = Math.max(this.#maxWaiting, this.#waiting.length);
    this.#watchers = this.#watchers.filter((watcher) => {
      if (this.#calls < watcher.calls) return true;
      watcher.resolve();
      return false;
    });
    return answered;
  }

  /** Resolves once `calls` insertMany calls have arrived. */
  waitForCalls(calls: number): Promise<{ calls: number; maxWaiting: number }> {
    const report = (): { calls: number; maxWaiting: number } => ({
      calls: this.#calls,
      maxWaiting: this.#maxWaiting,
    });
    if (this.#calls >= calls) return Promise.resolve(report());
    return new Promise((resolve) =>
      this.#watchers.push({
        calls,
        resolve: () => {
          resolve(report());
        },
      }),
    );
  }

  /** Answers every waiting call. */
  release(): void {
    for (const answer of this.#waiting.splice(0)) answer();
  }
}

describe('apex_dqn actor', () => {
  const launch = launchesInWorkdirs();

  it('gives each transition the priority |n-step TD error| that a whole batch computes', () => {
    const net = new Mlp([4, 16, 16, 2], new Random(2));
    const random = new Random(8);
    const env = new CartPole(random.fork());
    const accumulator = new NStepAccumulator(3, 0.99);
    const priorities = new InitialPriorities();
    let observation = env.reset();
    let truncated = 0;
    let terminated = 0;
    // Long enough for episodes that terminate and one that is truncated at 500 steps.
    for (let t = 0; t < 1_200; t++) {
      const q = net.forwardOne(observation);
      const left = q[0] ?? 0;
      const right = q[1] ?? 0;
      priorities.resolve(Math.max(left, right));
      // A pole-balancing rule holds the first episode up to the time limit (truncated);
      // random pushes end the later ones early (terminated).
      const balance = (observation[2] ?? 0) + (observation[3] ?? 0) > 0 ? 1 : 0;
      const action = truncated === 0 ? balance : random.next() < 0.5 ? 1 : 0;
      const step = env.step(action);
      const next = step.terminated
        ? 0
        : step.truncated
          ? Math.max(...net.forwardOne(step.observation))
          : undefined;
      priorities.add(
        accumulator.add(
          { observation, action, reward: step.reward, value: action === 1 ? right : left },
          step.observation,
          step,
        ),
        next,
      );
      if (step.terminated) terminated++;
      if (step.truncated) truncated++;
      observation = step.terminated || step.truncated ? env.reset() : step.observation;
    }
    expect(truncated).toBeGreaterThan(0);
    expect(terminated).toBeGreaterThan(0);
    const ready = priorities.take();
    expect(ready.length).toBeGreaterThan(1_100);
    const errors = tdErrors(net, net, unpackBatch(ready.map((item) => item.transition)));
    ready.forEach((item, i) => {
      expect(item.priority).toBeCloseTo(Math.abs(errors[i] ?? NaN) + PRIORITY_FLOOR, 4);
    });
    expect(priorities.take()).toEqual([]);
  });

  it('keeps insertsInFlight insertMany calls unanswered before it waits', async () => {
    const config: ApexConfig = { ...DEFAULT_CONFIG, insertBatch: 8, insertsInFlight: 3 };
    const program = new lp.Program('actor-inserts');
    const replay = program.addNode(new lp.ServiceNode(HeldReplay), 'replay');
    const source = program.addNode(new lp.ServiceNode(FixedParameters, config), 'parameters');
    // The actor needs only insertMany of a replay client.
    const replayHandle = replay as unknown as lp.Handle<ReplayService<Transition>>;
    program.addNode(new lp.ServiceNode(Actor, replayHandle, source, config, 0), 'actor');
    const { running } = await launch(program, { launchType: 'in-process' }, 'apex-actor-test-');
    const held = running.client(replay);
    // Before: one call at a time, so a third call never came while the first was unanswered.
    const first = await held.waitForCalls(3);
    expect(first.maxWaiting).toBe(3);
    await held.release();
    const second = await held.waitForCalls(first.calls + 3);
    expect(second.maxWaiting).toBe(3);
    await held.release();
  }, 30_000);
});
