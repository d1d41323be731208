/**
 * The service launchpad-ts is measured with, and the program that runs it. Exported, so
 * node processes can reach it.
 */
import * as lp from 'launchpad-ts';
import { BATCH_CLIENTS, BATCH_TIMEOUT_MS } from './measure.ts';

/** Answers the benchmark's three calls. */
export class BenchService {
  /** `value + 1`, computed in batches of {@link BATCH_CLIENTS}. */
  readonly compute: lp.BatchedMethod<[number], number>;

  constructor() {
    this.compute = lp.batched(this._compute.bind(this), {
      batchSize: BATCH_CLIENTS,
      timeoutMs: BATCH_TIMEOUT_MS,
    });
  }

  /** Returns its argument. */
  ping(value: number): number {
    return value;
  }

  /**
   * Returns its argument; a large one's memory takes the next call once the reply has
   * copied it (see docs/rpc.md, large values), unless LP_BENCH_NO_RECYCLE=1.
   */
  echo(value: Float32Array): Float32Array {
    return process.env['LP_BENCH_NO_RECYCLE'] === '1' ? value : lp.recycleOnceSent(value);
  }

  /** The batch behind `compute`. */
  _compute(values: number[]): number[] {
    return values.map((value) => value + 1);
  }
}

/** One BenchService node. */
export function makeBenchProgram(): { program: lp.Program; bench: lp.Handle<BenchService> } {
  const program = new lp.Program('bench');
  const bench = program.addNode(new lp.ServiceNode(BenchService), 'bench');
  return { program, bench };
}
