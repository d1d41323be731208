/**
 * The ES master: each generation it draws perturbations as offsets into the shared noise
 * table, spreads them over the workers, turns their returns into a search gradient and
 * moves the policy, then measures the policy's mean return for the learning curve.
 */
import type * as lp from 'launchpad-ts';
import { reportCurvePoint, type CurvePoint } from '../common/learning-curve.ts';
import { Random } from '../common/random.ts';
import type { EsConfig } from './config.ts';
import { searchGradient } from './es-update.ts';
import type { EsWorker, PerturbationTask } from './es-worker.ts';
import { noiseTable } from './noise-table.ts';
import { POLICY_SIZE, runEpisode } from './policy.ts';

/** What {@link EsMaster.train} returns. */
export interface EsResult {
  /** Mean return of the policy after each generation (generation 0: the initial policy). */
  readonly curve: CurvePoint[];
  /** The last mean return. */
  readonly meanReturn: number;
  /** Generations run. */
  readonly generations: number;
  /** Environment steps the workers took to evaluate perturbations. */
  readonly envSteps: number;
  /** Seconds until the mean return first reached the target, or null if it did not. */
  readonly secondsToTarget: number | null;
  /** The final policy parameters. */
  readonly theta: number[];
}

/** The master node's service. */
export class EsMaster {
  constructor(
    private readonly workers: lp.Client<EsWorker>[],
    private readonly config: EsConfig,
  ) {}

  /** Runs generations until the target mean return or the generation budget. */
  async train(): Promise<EsResult> {
    const { seed, noiseSize, pairs, sigma, learningRate, generations, targetReturn } = this.config;
    const noise = noiseTable(seed, noiseSize);
    const random = new Random(seed + 1);
    const evalRandom = new Random(seed + 2);
    const theta = new Array<number>(POLICY_SIZE).fill(0);
    const started = performance.now();
    const seconds = () => (performance.now() - started) / 1000;
    let envSteps = 0;
    let meanReturn = this.meanReturn(theta, evalRandom);
    const curve: CurvePoint[] = [{ seconds: seconds(), steps: 0, score: meanReturn }];
    let generation = 0;
    while (generation < generations && meanReturn < targetReturn) {
      generation++;
      const tasks: PerturbationTask[] = Array.from({ length: pairs }, () => ({
        offset: random.int(noiseSize - POLICY_SIZE + 1),
        episodeSeed: random.int(2 ** 31),
      }));
      // Task i goes to worker i mod N: equal shares, and the order of results is kept.
      const shares = this.workers.map((_, w) =>
        tasks.filter((_, i) => i % this.workers.length === w),
      );
      const answers = await Promise.all(
        this.workers.map((w, i) => w.evaluate(theta, shares[i] ?? [])),
      );
      const results = tasks.map((_, i) => {
        const answer = answers[i % this.workers.length]?.[Math.floor(i / this.workers.length)];
        if (answer === undefined) throw new Error(`EsMaster: no result for perturbation ${i}`);
        return answer;
      });
      envSteps += results.reduce((sum, r) => sum + r.steps, 0);
      const gradient = searchGradient(results, noise, POLICY_SIZE, sigma);
      for (let k = 0; k < POLICY_SIZE; k++)
        theta[k] = (theta[k] ?? 0) + learningRate * (gradient[k] ?? 0);
      meanReturn = this.meanReturn(theta, evalRandom);
      reportCurvePoint(curve, { seconds: seconds(), steps: envSteps, score: meanReturn });
    }
    const reached = curve.find((point) => point.score >= targetReturn);
    return {
      curve,
      meanReturn,
      generations: generation,
      envSteps,
      secondsToTarget: reached?.seconds ?? null,
      theta,
    };
  }

  /** Mean return of `theta` over fresh episodes (not counted as training steps). */
  private meanReturn(theta: readonly number[], random: Random): number {
    let total = 0;
    for (let e = 0; e < this.config.evalEpisodes; e++) {
      total += runEpisode(theta, random.int(2 ** 31)).return;
    }
    return total / this.config.evalEpisodes;
  }
}
