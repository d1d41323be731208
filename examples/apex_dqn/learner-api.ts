/**
 * What the actors and the evaluator call on a learner, whatever it is written in: the
 * TypeScript learner (`learner.ts`) implements it, and so does the PyTorch learner of
 * `examples/apex_dqn_torch/learner.py`, whose handle is typed with it
 * (`new lp.PythonNode<LearnerApi>(…)`).
 */
import type * as lp from 'launchpad-ts';

/** The replay table of transitions, which actors insert into and the learner samples. */
export const TABLE = 'transitions';

/** What the learner publishes to actors and the evaluator. */
export interface PolicyParams {
  /**
   * The online network's parameters, in the layout of `examples/common/mlp.ts`: per
   * layer, the weights (one row per output), then the biases.
   */
  readonly params: Float32Array;
}

/** What actors need of the learner: its parameters, versioned. */
export interface ParameterSource {
  /** The parameters when newer than `sinceVersion`, else `null`. */
  fetchVariables(sinceVersion: number): lp.VariableUpdate<PolicyParams> | null;
}

/** A learner as the other nodes of the program see it. */
export interface LearnerApi extends ParameterSource {
  /** Learner steps taken. */
  steps(): number;
  /** Resolves once the learner has taken `steps` steps (for step-budgeted runs and tests). */
  waitForSteps(steps: number): number | Promise<number>;
  /** The checkpoint this learner was restored from (after a restart), else `null`. */
  restoredFrom(): string | null;
}
