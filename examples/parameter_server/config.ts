/**
 * The settings of a parameter-server run, shared by the program, its nodes and the
 * command line.
 */
import type { SgdMode } from './parameter-server.ts';

/** Settings of a parameter-server run. */
export interface PsConfig {
  /** `sync` or `async` SGD. */
  readonly mode: SgdMode;
  /** Workers computing gradients. */
  readonly numWorkers: number;
  /** Parameter updates in all. */
  readonly steps: number;
  /**
   * Examples behind each update. In `sync` mode the workers split it; in `async` mode
   * each worker's gradient uses this many, so both modes see the same data per update.
   */
  readonly batchSize: number;
  /** The SGD step size. */
  readonly learningRate: number;
  /** Hidden units of the model. */
  readonly hidden: number;
  /** Seeds the data split, the initial parameters and each worker's batches. */
  readonly seed: number;
  /** Evaluate on the held-out digits every this many updates. */
  readonly evalEvery: number;
  /** Train on at most this many examples (all 8 000 when absent). */
  readonly trainLimit?: number;
  /** Evaluate on at most this many held-out examples (all 2 000 when absent). */
  readonly testLimit?: number;
}

/** The defaults of `main.ts`: about 94% held-out accuracy. */
export const DEFAULT_CONFIG: PsConfig = {
  mode: 'sync',
  numWorkers: 2,
  steps: 2_000,
  batchSize: 32,
  learningRate: 0.3,
  hidden: 64,
  seed: 1,
  evalEvery: 100,
};
