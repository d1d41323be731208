/**
 * A parameter source for `bench/apex-actors.ts`: serves the learner's initial parameters
 * and never trains, so actors and replay can be measured with no learner wanting the CPU.
 * In a module of its own because node processes import it.
 */
import * as lp from 'launchpad-ts';
import type { ApexConfig } from '../examples/apex_dqn/config.ts';
import type { ParameterSource, PolicyParams } from '../examples/apex_dqn/learner-api.ts';
import { networkSizes } from '../examples/apex_dqn/q-learning.ts';
import { Mlp } from '../examples/common/mlp.ts';
import { Random } from '../examples/common/random.ts';

/** Serves one fixed set of parameters, as a learner that never trains would. */
export class FrozenParameters implements ParameterSource {
  readonly #variables = new lp.VariableStore<PolicyParams>();

  /** @param config - the example's settings (network sizes and seed) */
  constructor(config: ApexConfig) {
    const net = new Mlp(networkSizes(config.hidden), new Random(config.seed * 7_919 + 17));
    this.#variables.publish({ params: net.params });
  }

  /** As the learner's. */
  fetchVariables(sinceVersion: number): lp.VariableUpdate<PolicyParams> | null {
    return this.#variables.fetchVariables(sinceVersion);
  }
}
