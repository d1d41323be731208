/**
 * The settings of the Ape-X DQN example, with defaults that solve CartPole-v1 on two cores.
 */

/** Everything the nodes of the example are configured with. Plain data, so it crosses processes. */
export interface ApexConfig {
  /** Actors, each with its own exploration rate. */
  readonly numActors: number;
  /** Seeds every random stream (actors, learner, evaluator, replay). */
  readonly seed: number;
  /** Hidden layer sizes of the Q-network. */
  readonly hidden: readonly number[];
  /** Discount per step. */
  readonly gamma: number;
  /** Steps summed into each n-step return. */
  readonly nStep: number;
  /** Adam's step size. */
  readonly learningRate: number;
  /** Transitions per learner step. */
  readonly batchSize: number;
  /** Learner steps between copies of the online network into the target network. */
  readonly targetPeriod: number;
  /** Learner steps between publications of the parameters to actors and the evaluator. */
  readonly publishPeriod: number;
  /** Actor steps between background fetches of the parameters. */
  readonly actorUpdatePeriod: number;
  /** Transitions an actor sends per `insertMany` call. */
  readonly insertBatch: number;
  /**
   * `insertMany` calls an actor leaves unanswered before it waits for the oldest: with 1,
   * it stops for a round trip to replay every batch.
   */
  readonly insertsInFlight: number;
  /** Replay capacity. */
  readonly replaySize: number;
  /** Transitions in replay before the learner starts. */
  readonly minReplay: number;
  /** Prioritisation exponent α. */
  readonly priorityExponent: number;
  /** Importance-sampling exponent β. */
  readonly importanceExponent: number;
  /**
   * Samples per inserted transition the replay's rate limiter holds the learner and actors
   * to; 0 lets actors run free (Ape-X's own setting, for throughput measurements).
   */
  readonly samplesPerInsert: number;
  /** Ape-X's base exploration rate ε and spread α: actor i uses ε^(1 + α i / (N - 1)). */
  readonly epsilonBase: number;
  /** See {@link epsilonBase}. */
  readonly epsilonSpread: number;
  /** Greedy episodes per evaluation. */
  readonly evalEpisodes: number;
  /** Milliseconds between evaluations (the CLI's clock); tests evaluate on request. */
  readonly evalEveryMs: number;
  /** Mean greedy return that ends the run. */
  readonly targetReturn: number;
  /** Milliseconds between learner checkpoints (it also saves at stop). */
  readonly checkpointEveryMs: number;
  /**
   * The learner's scheduling niceness (0 to 19; 0 leaves it alone). With a positive value
   * the learner runs on the CPU time the actors and replay leave: on a machine with fewer
   * cores than busy nodes, a free-running learner (`samplesPerInsert` 0) otherwise takes
   * its equal share from the actors. Applied only where the learner has a process or
   * thread of its own (not `in-process`).
   */
  readonly learnerNiceness: number;
}

/** The defaults, tuned for CartPole-v1 with two actors. */
export const DEFAULT_CONFIG: ApexConfig = {
  numActors: 2,
  seed: 1,
  hidden: [64, 64],
  gamma: 0.99,
  nStep: 3,
  learningRate: 2e-3,
  batchSize: 64,
  targetPeriod: 250,
  publishPeriod: 50,
  actorUpdatePeriod: 200,
  insertBatch: 32,
  insertsInFlight: 4,
  replaySize: 50_000,
  minReplay: 1_000,
  priorityExponent: 0.6,
  importanceExponent: 0.4,
  samplesPerInsert: 8,
  epsilonBase: 0.4,
  epsilonSpread: 7,
  evalEpisodes: 10,
  evalEveryMs: 1_000,
  targetReturn: 475,
  checkpointEveryMs: 30_000,
  learnerNiceness: 0,
};

/** Actor `index`'s exploration rate among `count` actors, as in the Ape-X paper. */
export function actorEpsilon(config: ApexConfig, index: number): number {
  // One actor takes the middle of the range the paper spreads N actors over.
  const position = config.numActors > 1 ? index / (config.numActors - 1) : 0.5;
  return config.epsilonBase ** (1 + config.epsilonSpread * position);
}
