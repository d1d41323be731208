/**
 * The batched handler: concurrent calls from many clients run as one batch, each caller
 * gets its own result, one error fails the batch, and parallelism is capped.
 */
import * as lp from 'launchpad-ts';
import { afterEach, describe, expect, expectTypeOf, it } from 'vitest';
import { closeAll, serve } from './harness.ts';

class Adder {
  readonly batches: number[][] = [];
  readonly add: lp.BatchedMethod<[number, number], number>;
  constructor(batchSize: number, timeoutMs = 60_000) {
    this.add = lp.batched(this._add.bind(this), { batchSize, timeoutMs });
  }
  _add(lefts: number[], rights: number[]): number[] {
    this.batches.push(lefts);
    return lefts.map((left, i) => left + (rights[i] ?? 0));
  }
}

afterEach(closeAll);

describe('batched()', () => {
  it('passes one array per argument position and returns each caller its result', async () => {
    const adder = new Adder(4);
    const sums = await Promise.all([1, 2, 3, 4].map((i) => adder.add(i, 10 * i)));
    expect(sums).toEqual([11, 22, 33, 44]);
    expect(adder.batches).toEqual([[1, 2, 3, 4]]);
  });

  it('runs a partial batch when its timeout passes', async () => {
    const adder = new Adder(100, 5);
    expect(await Promise.all([adder.add(1, 1), adder.add(2, 2)])).toEqual([2, 4]);
    expect(adder.batches).toEqual([[1, 2]]);
  });

  it('fails every call of the batch with the handler’s error', async () => {
    const failing = lp.batched(
      (_xs: number[]): number[] => {
        throw new RangeError('bad batch');
      },
      { batchSize: 3 },
    );
    const results = await Promise.allSettled([failing(1), failing(2), failing(3)]);
    for (const result of results) {
      expect(result.status).toBe('rejected');
      expect((result as PromiseRejectedResult).reason).toBeInstanceOf(RangeError);
    }
  });

  it('fails the batch clearly when the handler returns the wrong number of results', async () => {
    const short = lp.batched((xs: number[]) => xs.slice(1), { batchSize: 2 });
    const error = await Promise.all([short(1), short(2)]).catch((e: unknown) => e);
    expect(lp.isLaunchpadError(error, 'FAILED_PRECONDITION')).toBe(true);
    expect((error as Error).message).toContain('for a batch of 2 calls it returned 1 results');
  });

  it('runs at most maxParallelism batches at once', async () => {
    let running = 0;
    let most = 0;
    const slow = lp.batched(
      async (xs: number[]) => {
        most = Math.max(most, ++running);
        await new Promise((resolve) => setTimeout(resolve, 5));
        running--;
        return xs;
      },
      { batchSize: 2, maxParallelism: 2 },
    );
    const values = Array.from({ length: 20 }, (_, i) => i);
    expect(await Promise.all(values.map((i) => slow(i)))).toEqual(values);
    expect(most).toBe(2);
  });

  it('rejects options out of range', () => {
    expect(() => lp.batched((xs: number[]) => xs, { batchSize: 0 })).toThrow(/batchSize/);
    expect(() => lp.batched((xs: number[]) => xs, { batchSize: 2, timeoutMs: -1 })).toThrow(
      /timeoutMs/,
    );
    expect(() => lp.batched((xs: number[]) => xs, { batchSize: 2, maxParallelism: 0 })).toThrow(
      /maxParallelism/,
    );
  });

  it('infers the per-call signature from the batch function', () => {
    const method = lp.batched(
      (xs: number[][], names: string[]) => names.map((n, i) => `${n}${String(xs[i]?.length)}`),
      {
        batchSize: 2,
      },
    );
    expectTypeOf(method).toEqualTypeOf<lp.BatchedMethod<[number[], string], string>>();
    expectTypeOf<lp.Client<Adder>['add']>().toEqualTypeOf<
      (a: number, b: number) => Promise<number>
    >();
  });

  it('batches calls from many clients on separate connections', async () => {
    const adder = new Adder(8);
    const { client } = await serve(adder);
    const clients = Array.from({ length: 8 }, () => client());
    const sums = await Promise.all(clients.map((c, i) => c.add(i, 1)));
    expect(sums).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(adder.batches[0]?.slice().sort()).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(adder.batches).toHaveLength(1);
  });
});
