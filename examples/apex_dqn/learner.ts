/**
 * The Ape-X learner: samples prioritised batches, takes double-DQN steps against a target
 * network, sends new priorities back, and publishes its parameters as versioned variables.
 */
import { setPriority } from 'node:os';
import * as lp from 'launchpad-ts';
import { sampleStream, type ReplayClient } from 'launchpad-ts/replay';
import { Adam, Mlp } from '../common/mlp.ts';
import { Random } from '../common/random.ts';
import type { ApexConfig } from './config.ts';
import { TABLE, type LearnerApi, type PolicyParams } from './learner-api.ts';
import { networkSizes, trainStep } from './q-learning.ts';
import { unpackBatch, type Transition } from './transition.ts';

/** What the learner checkpoints. */
interface LearnerState {
  readonly online: Float32Array;
  readonly target: Float32Array;
  readonly steps: number;
}

/** Trains the Q-network from replay. */
export class Learner implements LearnerApi {
  readonly #online: Mlp;
  readonly #target: Mlp;
  readonly #optimizer: Adam;
  readonly #variables = new lp.VariableStore<PolicyParams>();
  readonly #waiters: { steps: number; resolve: (steps: number) => void }[] = [];
  #steps = 0;
  readonly #checkpointer: lp.Checkpointer<LearnerState>;

  /**
   * @param replay - the prioritised replay of transitions
   * @param config - the example's settings
   */
  constructor(
    private readonly replay: ReplayClient<Transition>,
    private readonly config: ApexConfig,
  ) {
    const sizes = networkSizes(config.hidden);
    this.#online = new Mlp(sizes, new Random(config.seed * 7_919 + 17));
    this.#target = new Mlp(sizes);
    this.#target.setParams(this.#online.params);
    this.#optimizer = new Adam(this.#online.params.length, {
      learningRate: config.learningRate,
      maxGradNorm: 10,
    });
    // A restarted learner (or a new launch in the same workdir) goes on from its checkpoint.
    this.#checkpointer = new lp.Checkpointer<LearnerState>({
      kind: 'apex-dqn-learner',
      everyMs: config.checkpointEveryMs,
      save: () => ({
        online: this.#online.params.slice(),
        target: this.#target.params.slice(),
        steps: this.#steps,
      }),
      restore: (state) => {
        this.#online.setParams(state.online);
        this.#target.setParams(state.target);
        this.#steps = state.steps;
      },
    });
    this.#variables.publish({ params: this.#online.params.slice() });
  }

  /** Actors and the evaluator fetch the parameters here, when newer than theirs. */
  fetchVariables(sinceVersion: number): lp.VariableUpdate<PolicyParams> | null {
    return this.#variables.fetchVariables(sinceVersion);
  }

  /** The checkpoint this learner was restored from, if any. */
  restoredFrom(): string | null {
    return this.#checkpointer.restoredFrom ?? null;
  }

  /** Learner steps taken. */
  steps(): number {
    return this.#steps;
  }

  /** Resolves once the learner has taken `steps` steps (for step-budgeted runs and tests). */
  waitForSteps(steps: number): Promise<number> {
    if (this.#steps >= steps) return Promise.resolve(this.#steps);
    return new Promise((resolve) => this.#waiters.push({ steps, resolve }));
  }

  /** Trains until the program stops. */
  async run(): Promise<void> {
    const signal = lp.stopSignal();
    lowerPriority(this.config.learnerNiceness);
    const { batchSize, importanceExponent: beta } = this.config;
    const nets = { online: this.#online, target: this.#target, optimizer: this.#optimizer };
    try {
      for await (const items of sampleStream(this.replay, TABLE, {
        batchSize,
        inFlight: 2,
        signal,
      })) {
        // Importance weights (N·P(i))^-β, normalised by the largest so they only scale down.
        const weights = Float32Array.from(
          items,
          (item) => (item.tableSize * item.probability) ** -beta,
        );
        const maxWeight = Math.max(...weights);
        for (let i = 0; i < weights.length; i++) weights[i] = (weights[i] ?? 0) / maxWeight;
        const errors = trainStep(nets, unpackBatch(items.map((item) => item.data)), weights);
        const updates = items.map((item, i): [number, number] => [
          item.key,
          Math.abs(errors[i] ?? 0) + 1e-3,
        ]);
        // Not awaited: a late priority update only delays a priority, and the next batch is already on its way.
        this.replay.updatePriorities(TABLE, updates).catch(() => undefined);
        this.#afterStep();
      }
    } catch (error) {
      if (!signal.aborted) throw error;
    }
  }

  #afterStep(): void {
    this.#steps++;
    if (this.#steps % this.config.targetPeriod === 0) this.#target.setParams(this.#online.params);
    if (this.#steps % this.config.publishPeriod === 0) {
      this.#variables.publish({ params: this.#online.params.slice() });
    }
    for (let i = this.#waiters.length - 1; i >= 0; i--) {
      const waiter = this.#waiters[i];
      if (waiter !== undefined && this.#steps >= waiter.steps) {
        this.#waiters.splice(i, 1);
        waiter.resolve(this.#steps);
      }
    }
  }
}

/**
 * Gives this node's thread the scheduling niceness `niceness` (config.learnerNiceness).
 * On Linux, setPriority(0, …) changes the calling thread only: the learner's own process
 * (`processes`, clusters) or worker thread (`threads`); under `in-process` it would slow
 * every node, so it is not applied there.
 */
function lowerPriority(niceness: number): void {
  if (!Number.isInteger(niceness) || niceness < 0 || niceness > 19) {
    throw new RangeError(
      `Learner: config.learnerNiceness must be an integer from 0 to 19, got ${niceness}`,
    );
  }
  if (niceness === 0 || lp.context().launchType === 'in-process') return;
  setPriority(0, niceness);
}
