/**
 * A worker: reads the newest parameters, computes the gradient of a batch drawn from
 * its own shard of the training digits, and pushes it, until the budget is spent.
 */
import * as lp from 'launchpad-ts';
import { Random } from '../common/random.ts';
import type { PsConfig } from './config.ts';
import { CLASSES, PIXELS, loadDigits } from './digits.ts';
import { Mlp } from './mlp.ts';
import type { ParameterServer } from './parameter-server.ts';

/** The worker node's service. */
export class Worker {
  constructor(
    private readonly server: lp.Client<ParameterServer>,
    private readonly workerId: number,
    private readonly config: PsConfig,
  ) {}

  /** Trains until the server says the budget is spent, or the program stops. */
  async run(): Promise<void> {
    const { numWorkers, mode, batchSize, seed, hidden, trainLimit } = this.config;
    const { train } = loadDigits(seed, trainLimit);
    // Worker i trains on every numWorkers-th example, so shards never overlap.
    const shard: number[] = [];
    for (let n = this.workerId; n < train.labels.length; n += numWorkers) shard.push(n);
    const perPush = mode === 'sync' ? Math.ceil(batchSize / numWorkers) : batchSize;
    const model = new Mlp({ inputs: PIXELS, hidden, classes: CLASSES });
    const random = new Random(seed * 1_000 + this.workerId + 1);
    const gradient = new Float32Array(model.size);
    let params: Float32Array | undefined;
    let version = -1;
    const stop = lp.stopSignal();
    try {
      while (!stop.aborted) {
        const fetched = await this.server.fetch(version);
        if (fetched.done) return;
        if (fetched.values !== null) [params, version] = [fetched.values, fetched.version];
        if (params === undefined) throw new Error(`Worker ${this.workerId}: no parameters`);
        const batch = Array.from({ length: perPush }, () => shard[random.int(shard.length)] ?? 0);
        model.gradient(params, train, batch, gradient);
        const pushed =
          mode === 'sync'
            ? await this.server.pushSync(this.workerId, gradient)
            : await this.server.pushAsync(gradient, version);
        if (pushed.done) return;
      }
    } catch (error) {
      // A push waiting on its synchronous step fails when the program stops.
      if (!stop.aborted) throw error;
    }
  }
}
