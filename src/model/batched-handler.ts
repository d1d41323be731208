/**
 * @module
 * Launchpad's `batched_handler`: a service method that receives the arguments of many
 * concurrent calls, from any number of clients, as one batch, and answers each caller
 * with its own element of the batch's result.
 */
import { LaunchpadError } from '../errors/errors.ts';
import { withCancelHook } from '../rpc/cancellation.ts';

/** How calls are grouped into batches. */
export interface BatchedOptions {
  /** The most calls in one batch; a full batch runs at once. */
  readonly batchSize: number;
  /**
   * How long a batch waits to fill up, counted from its first call; then it runs with
   * the calls it has.
   * @default 200
   */
  readonly timeoutMs?: number;
  /**
   * How many batches may run at once; further batches wait (and keep filling up).
   * @default 1
   */
  readonly maxParallelism?: number;
}

/**
 * The batched function's parameters for a method taking `TArgs`: one array per argument
 * position, holding that argument of every call in the batch, in call order.
 */
export type BatchColumns<TArgs extends readonly unknown[]> = { [K in keyof TArgs]: TArgs[K][] };

/** The per-call face of a batched function: what clients call over RPC. */
export type BatchedMethod<TArgs extends readonly unknown[], TResult> = (
  ...args: TArgs
) => Promise<TResult>;

/**
 * Wraps `fn` so that concurrent calls are run as batches. `fn` receives, for each
 * argument position, the array of that argument across the batch's calls, and must
 * return one result per call, in the same order; each caller gets its own. If `fn`
 * throws (or returns the wrong number of results), every call of the batch fails with
 * that error. A call cancelled by its caller before its batch runs leaves the batch.
 *
 * @example
 * ```ts
 * class Server {
 *   readonly compute: lp.BatchedMethod<[number[]], number[]>;
 *   constructor(batchSize: number) {
 *     this.compute = lp.batched(this._compute.bind(this), { batchSize, timeoutMs: 50 });
 *   }
 *   _compute(xs: number[][]): number[][] {
 *     return xs.map((x) => x.map((v) => v + 1));
 *   }
 * }
 * ```
 *
 * @throws LaunchpadError `INVALID_ARGUMENT` for options out of range
 */
export function batched<TArgs extends readonly unknown[], TResult>(
  fn: (...columns: BatchColumns<TArgs>) => readonly TResult[] | Promise<readonly TResult[]>,
  options: BatchedOptions,
): BatchedMethod<TArgs, TResult> {
  const batcher = new Batcher<TArgs, TResult>(fn, checkOptions(options));
  return (...args: TArgs) => batcher.submit(args);
}

interface Entry<TArgs, TResult> {
  readonly args: TArgs;
  resolve(value: TResult): void;
  reject(error: unknown): void;
}

type Batch<TArgs, TResult> = Entry<TArgs, TResult>[];

class Batcher<TArgs extends readonly unknown[], TResult> {
  readonly #fn: (
    ...columns: BatchColumns<TArgs>
  ) => readonly TResult[] | Promise<readonly TResult[]>;
  readonly #options: Required<BatchedOptions>;
  // The batch still filling up; `#due` once its timeout passed while no slot was free.
  #open: Batch<TArgs, TResult> = [];
  #timer: NodeJS.Timeout | undefined;
  #due = false;
  // Full batches waiting for a free slot.
  readonly #full: Batch<TArgs, TResult>[] = [];
  #running = 0;

  constructor(
    fn: (...columns: BatchColumns<TArgs>) => readonly TResult[] | Promise<readonly TResult[]>,
    options: Required<BatchedOptions>,
  ) {
    this.#fn = fn;
    this.#options = options;
  }

  submit(args: TArgs): Promise<TResult> {
    let entry!: Entry<TArgs, TResult>;
    const promise = new Promise<TResult>((resolve, reject) => {
      entry = { args, resolve, reject };
    });
    this.#open.push(entry);
    if (this.#open.length >= this.#options.batchSize) {
      this.#full.push(this.#takeOpen());
      this.#pump();
    } else if (this.#open.length === 1) {
      this.#timer = setTimeout(() => {
        this.#timer = undefined;
        this.#due = true;
        this.#pump();
      }, this.#options.timeoutMs);
    }
    return withCancelHook(promise, () => {
      this.#withdraw(entry);
    });
  }

  #takeOpen(): Batch<TArgs, TResult> {
    const batch = this.#open;
    this.#open = [];
    this.#due = false;
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    return batch;
  }

  #pump(): void {
    while (this.#running < this.#options.maxParallelism) {
      const batch =
        this.#full.shift() ?? (this.#due && this.#open.length > 0 ? this.#takeOpen() : undefined);
      if (batch === undefined) return;
      void this.#run(batch);
    }
  }

  async #run(batch: Batch<TArgs, TResult>): Promise<void> {
    this.#running++;
    try {
      const results = await this.#fn(...columnsOf(batch));
      if (!Array.isArray(results) || results.length !== batch.length) {
        throw new LaunchpadError(
          'FAILED_PRECONDITION',
          `A batched handler must return an array with one result per call, in call order; ` +
            `for a batch of ${batch.length} calls it returned ${describeResults(results)}.`,
        );
      }
      batch.forEach((entry, index) => {
        entry.resolve(results[index] as TResult);
      });
    } catch (error) {
      for (const entry of batch) entry.reject(error);
    } finally {
      this.#running--;
      this.#pump();
    }
  }

  // The caller cancelled: if its batch has not run yet, take the call out of it.
  #withdraw(entry: Entry<TArgs, TResult>): void {
    for (const batch of [this.#open, ...this.#full]) {
      const index = batch.indexOf(entry);
      if (index < 0) continue;
      batch.splice(index, 1);
      if (batch.length === 0 && batch !== this.#open)
        this.#full.splice(this.#full.indexOf(batch), 1);
      if (this.#open.length === 0) this.#takeOpen();
      entry.reject(new LaunchpadError('CANCELLED', 'The call was cancelled before its batch ran.'));
      return;
    }
  }
}

function columnsOf<TArgs extends readonly unknown[]>(
  batch: readonly Entry<TArgs, unknown>[],
): BatchColumns<TArgs> {
  const width = Math.max(0, ...batch.map((entry) => entry.args.length));
  return Array.from({ length: width }, (_, position) =>
    batch.map((entry) => entry.args[position]),
  ) as unknown as BatchColumns<TArgs>;
}

function describeResults(results: unknown): string {
  return Array.isArray(results) ? `${results.length} results` : `a ${typeof results}`;
}

function checkOptions(options: BatchedOptions): Required<BatchedOptions> {
  const { batchSize, timeoutMs = 200, maxParallelism = 1 } = options;
  const check = (name: string, value: number, ok: boolean, what: string): void => {
    if (!ok) {
      throw new LaunchpadError(
        'INVALID_ARGUMENT',
        `batched(): \`${name}\` must be ${what}, got ${String(value)}.`,
      );
    }
  };
  check('batchSize', batchSize, Number.isInteger(batchSize) && batchSize >= 1, 'an integer ≥ 1');
  check(
    'timeoutMs',
    timeoutMs,
    timeoutMs >= 0 && Number.isFinite(timeoutMs),
    'a finite number ≥ 0',
  );
  check(
    'maxParallelism',
    maxParallelism,
    Number.isInteger(maxParallelism) && maxParallelism >= 1,
    'an integer ≥ 1',
  );
  return { batchSize, timeoutMs, maxParallelism };
}
