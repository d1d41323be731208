/**
 * The nodes of the replay benchmark: a client that hammers the replay node with inserts
 * or samples for a fixed time, keeping several calls in flight.
 */
import * as lp from 'launchpad-ts';
import {
  RateLimiters,
  Removers,
  ReplayNode,
  Samplers,
  type ReplayClient,
  type ReplayService,
} from 'launchpad-ts/replay';

/** The benchmark's table. */
export const BENCH_TABLE = 'bench';
/** Bytes per item. */
export const ITEM_BYTES = 1024;

/** Inserts or samples as fast as the replay node allows, for a fixed time. */
export class BenchClient {
  readonly #payload = new Uint8Array(ITEM_BYTES).map((_, i) => i % 251);

  constructor(private readonly replay: ReplayClient) {}

  /** Inserts 1 KiB items for `ms` milliseconds with `concurrency` calls in flight. */
  async insertFor(ms: number, concurrency: number): Promise<number> {
    const deadline = performance.now() + ms;
    let count = 0;
    const loop = async (): Promise<void> => {
      while (performance.now() < deadline) {
        await this.replay.insert(this.#payload, { [BENCH_TABLE]: 1 });
        count++;
      }
    };
    await Promise.all(Array.from({ length: concurrency }, loop));
    return count;
  }

  /** Samples batches of `batchSize` for `ms` milliseconds; returns the items received. */
  async sampleFor(ms: number, concurrency: number, batchSize: number): Promise<number> {
    const deadline = performance.now() + ms;
    let items = 0;
    const loop = async (): Promise<void> => {
      while (performance.now() < deadline) {
        items += (await this.replay.sample(BENCH_TABLE, batchSize)).length;
      }
    };
    await Promise.all(Array.from({ length: concurrency }, loop));
    return items;
  }
}

/** A replay node with one uniform table, and `numClients` benchmark clients. */
export function makeBenchProgram(numClients: number): {
  program: lp.Program;
  replay: lp.Handle<ReplayService>;
  clients: lp.Handle<BenchClient>[];
} {
  const program = new lp.Program('replay-bench');
  const replay = program.addNode(
    new ReplayNode({
      tables: [
        {
          name: BENCH_TABLE,
          maxSize: 100_000,
          sampler: Samplers.uniform(),
          remover: Removers.fifo(),
          rateLimiter: RateLimiters.minSize(1),
        },
      ],
    }),
    'replay',
  );
  const clients = program.group('client', () =>
    Array.from({ length: numClients }, () =>
      program.addNode(new lp.ServiceNode(BenchClient, replay)),
    ),
  );
  return { program, replay, clients };
}
