/** The settings of an evolution-strategies run, shared by its nodes and the command line. */

/** Settings of an ES run. */
export interface EsConfig {
  /** Workers evaluating perturbations. */
  readonly numWorkers: number;
  /** Perturbation pairs per generation (each is evaluated as +ε and −ε). */
  readonly pairs: number;
  /** Standard deviation of the perturbations. */
  readonly sigma: number;
  /** Step size of the parameter update. */
  readonly learningRate: number;
  /** Generations at most. */
  readonly generations: number;
  /** Stop once the policy's mean return over `evalEpisodes` episodes reaches this. */
  readonly targetReturn: number;
  /** Episodes of the unperturbed policy behind each point of the curve. */
  readonly evalEpisodes: number;
  /** Numbers in the shared noise table. */
  readonly noiseSize: number;
  /** Seeds the noise table, the perturbations and the episodes. */
  readonly seed: number;
}

/** The defaults of `main.ts`. */
export const DEFAULT_CONFIG: EsConfig = {
  numWorkers: 2,
  pairs: 16,
  sigma: 0.1,
  learningRate: 0.05,
  generations: 200,
  targetReturn: 500,
  evalEpisodes: 10,
  noiseSize: 1_000_000,
  seed: 1,
};
