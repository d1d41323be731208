/**
 * The receive pool: large replies over TCP land in memory already touched when the caller
 * recycles them, a view still held is never overwritten by a later message, and memory
 * whose views were collected comes back on its own. Ordered by counts, never by time.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import * as lp from 'launchpad-ts';
import { afterEach, describe, expect, it } from 'vitest';
import { POOL_FROM_BYTES, ReceivePool, receivePool } from '../../src/rpc/receive-pool.ts';
import { closeAll, serve } from './harness.ts';

const FLOATS = (2 * POOL_FROM_BYTES) / 4;

class Maker {
  /** A fresh array of FLOATS floats, every one `fill`. */
  make(fill: number): Float32Array {
    return new Float32Array(FLOATS).fill(fill);
  }
}

// True when every element of `values` is `fill`.
const allEqual = (values: Float32Array, fill: number): boolean =>
  values.length === FLOATS && values.every((value) => value === fill);

afterEach(closeAll);

describe('the receive pool over TCP', () => {
  it('reads each reply the caller recycled into the same memory, and never a held one', async () => {
    const { client } = await serve(new Maker());
    const maker = client();
    const before = receivePool.counts();
    const held = await maker.make(1);
    expect(held.buffer).toBeInstanceOf(SharedArrayBuffer);
    for (let fill = 2; fill <= 11; fill++) {
      const reply = await maker.make(fill);
      expect(allEqual(reply, fill)).toBe(true);
      expect(lp.recycle(reply)).toBe(true);
      expect(lp.recycle(reply)).toBe(false); // given back once
    }
    const after = receivePool.counts();
    // One block for the held reply, one for the rest: reused by the 9 replies after it.
    expect(after.grown - before.grown).toBe(2);
    expect(after.reused - before.reused).toBe(9);
    expect(allEqual(held, 1)).toBe(true);
  });

  it('never overwrites held replies, even once the pool is full', async () => {
    const { client } = await serve(new Maker());
    const maker = client();
    const held: Float32Array[] = [];
    for (let fill = 1; fill <= 12; fill++) held.push(await maker.make(fill));
    held.forEach((reply, index) => {
      expect(allEqual(reply, index + 1)).toBe(true);
    });
  });

  it('leaves small arrays alone', () => {
    expect(lp.recycle(new Float32Array(16))).toBe(false);
    expect(receivePool.acquire(POOL_FROM_BYTES - 1).buffer).not.toBeInstanceOf(SharedArrayBuffer);
  });
});

describe('a ReceivePool', () => {
  it('takes a block back once nothing refers to its loan', async () => {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const pool = new ReceivePool(4 * POOL_FROM_BYTES);
    let loan: Buffer | undefined = pool.acquire(POOL_FROM_BYTES);
    loan.fill(1);
    loan = undefined;
    // The registry's callback runs in a task after a collection: turn until it has.
    for (let turn = 0; turn < 100 && pool.counts().returned === 0; turn++) {
      gc();
      await new Promise((resolve) => setImmediate(resolve));
    }
    expect(pool.counts().returned).toBe(1);
    pool.acquire(POOL_FROM_BYTES);
    expect(pool.counts()).toMatchObject({ grown: 1, reused: 1, fresh: 0 });
  });

  it('keeps within its bytes: a frame that finds no free block gets a buffer of its own', () => {
    const pool = new ReceivePool(2 * POOL_FROM_BYTES);
    const first = pool.acquire(POOL_FROM_BYTES);
    const second = pool.acquire(POOL_FROM_BYTES);
    const third = pool.acquire(POOL_FROM_BYTES);
    expect(pool.counts()).toMatchObject({ grown: 2, fresh: 1, heldBytes: 2 * POOL_FROM_BYTES });
    expect(third.buffer).not.toBeInstanceOf(SharedArrayBuffer);
    first.fill(1);
    second.fill(2);
    third.fill(3);
    expect(first.every((byte) => byte === 1)).toBe(true);
    expect(second.every((byte) => byte === 2)).toBe(true);
  });
});
