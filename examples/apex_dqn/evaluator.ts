/**
 * The evaluator: plays greedy episodes with the learner's latest parameters, reports the
 * learning curve, and stops the program once the mean return reaches the target.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as lp from 'launchpad-ts';
import type { ReplayClient } from 'launchpad-ts/replay';
import { CartPole } from '../common/cartpole.ts';
import { CsvCurveSink, CurveLog, MetricsCurveSink } from '../common/curve-log.ts';
import { Mlp } from '../common/mlp.ts';
import { Random } from '../common/random.ts';
import type { ApexConfig } from './config.ts';
import type { LearnerApi, PolicyParams } from './learner-api.ts';
import { greedyAction, networkSizes } from './q-learning.ts';
import type { Transition } from './transition.ts';

/** One evaluation: where the run was, and how well the greedy policy did. */
export interface Evaluation {
  /** Seconds since the evaluator started. */
  readonly seconds: number;
  /** Environment steps the actors have taken (transitions inserted into replay). */
  readonly envSteps: number;
  /** Learner steps taken. */
  readonly learnerSteps: number;
  /** Mean undiscounted return of the greedy episodes. */
  readonly meanReturn: number;
}

/** The folder, under the launch's working directory, of the curve and the result. */
export const OUTPUT_FOLDER = 'apex_dqn';
/**
 * The file of the last evaluation, for the launcher's summary: written once, when the
 * evaluator's run ends (the target reached, or the program stopping).
 */
export const RESULT_FILE = 'result.json';

/** Evaluates the learner's policy, periodically or on request. */
export class Evaluator {
  readonly #variables: lp.VariableClient<PolicyParams>;
  readonly #net: Mlp;
  readonly #start = performance.now();
  readonly #curve: CurveLog;
  readonly #folder: string;
  #evaluations = 0;
  #last: Evaluation | undefined;

  /**
   * @param learner - where parameters come from
   * @param replay - read for the number of environment steps
   * @param config - the example's settings
   */
  constructor(
    private readonly learner: lp.Client<LearnerApi>,
    private readonly replay: ReplayClient<Transition>,
    private readonly config: ApexConfig,
  ) {
    this.#variables = new lp.VariableClient(learner);
    this.#net = new Mlp(networkSizes(config.hidden));
    this.#folder = join(lp.context().workdir, OUTPUT_FOLDER);
    this.#curve = new CurveLog([
      new CsvCurveSink(join(this.#folder, 'curve.csv')),
      new MetricsCurveSink(),
    ]);
  }

  /** Plays `evalEpisodes` greedy episodes with the latest parameters and reports the result. */
  async evaluate(): Promise<Evaluation> {
    await this.#variables.updateAndWait();
    const values = this.#variables.values;
    if (values === undefined) throw new Error('Evaluator: the learner has published no parameters');
    this.#net.setParams(values.params);
    // The same starts at every evaluation, so evaluations compare policies, not luck.
    const env = new CartPole(new Random(this.config.seed + 99_991));
    let total = 0;
    for (let episode = 0; episode < this.config.evalEpisodes; episode++) {
      let observation = env.reset();
      for (;;) {
        const step = env.step(greedyAction(this.#net, observation));
        total += step.reward;
        if (step.terminated || step.truncated) break;
        observation = step.observation;
      }
    }
    const [info, learnerSteps] = await Promise.all([this.replay.info(), this.learner.steps()]);
    const evaluation: Evaluation = {
      seconds: (performance.now() - this.#start) / 1000,
      envSteps: info.tables[0]?.inserts ?? 0,
      learnerSteps,
      meanReturn: total / this.config.evalEpisodes,
    };
    this.#report(evaluation);
    return evaluation;
  }

  /** Evaluates every `evalEveryMs` until the target is reached (then stops the program) or the program stops. */
  async run(): Promise<void> {
    if (this.config.evalEveryMs <= 0) {
      // Evaluations come on request only (tests); serve until the program stops.
      await lp.waitForStop();
      return;
    }
    try {
      while (!(await lp.waitForStop(this.config.evalEveryMs))) {
        const evaluation = await this.evaluate();
        if (evaluation.meanReturn >= this.config.targetReturn) {
          console.log(`Solved: mean return ${evaluation.meanReturn} ≥ ${this.config.targetReturn}`);
          lp.stop();
          return;
        }
      }
    } finally {
      // Before run() returns, so before the launcher's wait() ends and reads it.
      this.#writeResult();
    }
  }

  // Once, at the end, not after each evaluation: replacing a file blocks this node on the
  // disk (ext4 flushes a file renamed over another): a seventh of the evaluator's time in
  // a profile on the busy machine. Nothing reads it before the program has stopped.
  #writeResult(): void {
    if (this.#last === undefined) return;
    writeFileSync(join(this.#folder, RESULT_FILE), JSON.stringify(this.#last));
  }

  #report(evaluation: Evaluation): void {
    this.#evaluations++;
    this.#last = evaluation;
    this.#curve.report({
      seconds: Number(evaluation.seconds.toFixed(2)),
      env_steps: evaluation.envSteps,
      learner_steps: evaluation.learnerSteps,
      mean_return: evaluation.meanReturn,
    });
    console.log(
      `eval ${this.#evaluations}: ${evaluation.seconds.toFixed(1)} s, ${evaluation.envSteps} env steps, ` +
        `${evaluation.learnerSteps} learner steps, mean return ${evaluation.meanReturn.toFixed(1)}`,
    );
  }
}
