/**
 * The evaluator: follows training on the parameter server and measures the accuracy on
 * held-out digits every few updates, which is the learning curve.
 */
import type * as lp from 'launchpad-ts';
import { reportCurvePoint, type CurvePoint } from '../common/learning-curve.ts';
import type { PsConfig } from './config.ts';
import { CLASSES, PIXELS, loadDigits } from './digits.ts';
import { Mlp } from './mlp.ts';
import type { ParameterServer } from './parameter-server.ts';

/** What {@link Evaluator.follow} saw. */
export interface TrainingResult {
  /** Held-out accuracy after each evaluated update, from version 0 to the last. */
  readonly curve: CurvePoint[];
  /** Held-out accuracy of the final parameters. */
  readonly accuracy: number;
  /** Updates applied. */
  readonly steps: number;
  /** Seconds from the first push to the last update, by the server's clock. */
  readonly trainingSeconds: number;
}

/** The evaluator node's service. */
export class Evaluator {
  constructor(
    private readonly server: lp.Client<ParameterServer>,
    private readonly config: PsConfig,
  ) {}

  /** Evaluates every `evalEvery` updates until training is done; returns the curve. */
  async follow(): Promise<TrainingResult> {
    const { seed, trainLimit, testLimit, hidden, evalEvery } = this.config;
    const started = performance.now();
    const { test } = loadDigits(seed, trainLimit, testLimit);
    const model = new Mlp({ inputs: PIXELS, hidden, classes: CLASSES });
    const curve: CurvePoint[] = [];
    for (let next = 0; ; next += evalEvery) {
      const fetched = await this.server.waitForVersion(next);
      if (fetched.values === null) throw new Error('Evaluator: the server sent no parameters');
      const score = model.accuracy(fetched.values, test);
      const seconds = (performance.now() - started) / 1000;
      reportCurvePoint(curve, { seconds, steps: fetched.version, score });
      if (fetched.done) {
        const trainingSeconds = await this.server.trainingSeconds();
        return { curve, accuracy: score, steps: fetched.version, trainingSeconds };
      }
      // A slow evaluation may have been overtaken; evaluate the newest next time.
      next = Math.max(next, fetched.version - (fetched.version % evalEvery));
    }
  }
}
