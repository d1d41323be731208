/**
 * An ES worker: evaluates the perturbations the master names by their offsets in the
 * shared noise table, each mirrored (+σε and −σε) on the same episode.
 */
import type { EsConfig } from './config.ts';
import { noiseTable, perturbation } from './noise-table.ts';
import { POLICY_SIZE, runEpisode } from './policy.ts';

/** One perturbation to evaluate: its noise offset and the seed of its episode. */
export interface PerturbationTask {
  /** Offset of ε in the noise table. */
  readonly offset: number;
  /** Seed of the episode both signs are played on. */
  readonly episodeSeed: number;
}

/** The returns of one mirrored perturbation. */
export interface PerturbationResult {
  /** Offset of ε in the noise table. */
  readonly offset: number;
  /** Return of θ + σε. */
  readonly positive: number;
  /** Return of θ − σε. */
  readonly negative: number;
  /** Environment steps of both episodes. */
  readonly steps: number;
}

/** The worker node's service. */
export class EsWorker {
  private readonly noise: Float32Array;

  constructor(private readonly config: EsConfig) {
    this.noise = noiseTable(config.seed, config.noiseSize);
  }

  /** Evaluates each task around the parameters `theta`. */
  evaluate(theta: number[], tasks: PerturbationTask[]): PerturbationResult[] {
    if (!Array.isArray(theta) || theta.length !== POLICY_SIZE) {
      throw new Error(`EsWorker.evaluate: theta must hold ${POLICY_SIZE} numbers`);
    }
    const { sigma } = this.config;
    const candidate = new Float64Array(POLICY_SIZE);
    return tasks.map(({ offset, episodeSeed }, i) => {
      let epsilon: Float32Array;
      try {
        epsilon = perturbation(this.noise, offset, POLICY_SIZE);
      } catch (error) {
        throw new Error(`EsWorker.evaluate: tasks[${i}].offset: ${(error as Error).message}`);
      }
      const play = (sign: number) => {
        for (let k = 0; k < POLICY_SIZE; k++) {
          candidate[k] = (theta[k] ?? 0) + sign * sigma * (epsilon[k] ?? 0);
        }
        return runEpisode(candidate, episodeSeed);
      };
      const up = play(1);
      const down = play(-1);
      return { offset, positive: up.return, negative: down.return, steps: up.steps + down.steps };
    });
  }
}
