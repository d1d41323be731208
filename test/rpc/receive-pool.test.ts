/**
 * The receive pool: large replies over TCP land in memory already touched when the caller
 * recycles them, and a view still held is never overwritten by a later message. Ordered
 * by counts, never by time.
 */
import * as lp from 'launchpad-ts';
import { afterEach, describe, expect, it } from 'vitest';
import { POOL_FROM_BYTES, ReceivePool, receivePool } from '../../src/rpc/receive-pool.ts';
import { closeAll, serve } from './harness.ts';

const FLOATS = (POOL_FROM_BYTES + 1024) / 4;

class Maker {
  /** A fresh array of FLOATS floats, every one `fill`. */
  make(fill: number): Float32Array {
    return new Float32Array(FLOATS).fill(fill);
  }
  /** Returns what it got, its memory given back once the reply has copied it. */
  echo(value: Float32Array): Float32Array {
    return lp.recycleOnceSent(value);
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

    for (let fill = 2; fill <= 11; fill++) {
      const reply = await maker.make(fill);
      expect(allEqual(reply, fill)).toBe(true);
      expect(lp.recycle(reply)).toBe(true);
      expect(lp.recycle(reply)).toBe(false); // given back once
    }
    const after = receivePool.counts();
    // One block for the held reply, one for the rest: reused by the 9 replies after it.
    expect(after.allocated - before.allocated).toBe(2);
    expect(after.reused - before.reused).toBe(9);
    expect(allEqual(held, 1)).toBe(true);
  });

  it('gives a request back once its reply copied it: one block serves a steady echo', async () => {
    const { client } = await serve(new Maker());
    const maker = client();
    const before = receivePool.counts();
    for (let fill = 1; fill <= 10; fill++) {
      const reply = await maker.echo(new Float32Array(FLOATS).fill(fill));
      expect(allEqual(reply, fill)).toBe(true);
      lp.recycle(reply);
    }
    const after = receivePool.counts();
    // Server and client share this process's pool: every request and reply after the
    // first is read into the block the one before it gave back (the first may find one
    // an earlier test left free).
    const allocated = after.allocated - before.allocated;
    expect(allocated).toBeLessThanOrEqual(1);
    expect(after.reused - before.reused).toBe(20 - allocated);
  });

  it('never overwrites held replies, however many arrive', async () => {
    const { client } = await serve(new Maker());
    const maker = client();
    const held: Float32Array[] = [];
    for (let fill = 1; fill <= 6; fill++) held.push(await maker.make(fill));
    held.forEach((reply, index) => {
      expect(allEqual(reply, index + 1)).toBe(true);
    });
  });

  it('leaves small arrays alone', () => {
    expect(lp.recycle(new Float32Array(16))).toBe(false);
    expect(lp.recycle(receivePool.acquire(POOL_FROM_BYTES - 1))).toBe(false);
  });
});

describe('a ReceivePool', () => {
  it('keeps at most its bytes of free blocks; more recycled ones are left to the collector', () => {
    const pool = new ReceivePool(2 * POOL_FROM_BYTES);
    const loans = [0, 1, 2].map(() => pool.acquire(POOL_FROM_BYTES));
    for (const loan of loans) expect(lp.recycle(loan)).toBe(true);
    expect(pool.counts()).toMatchObject({
      allocated: 3,
      recycled: 2,
      freeBytes: 2 * POOL_FROM_BYTES,
    });
    pool.acquire(POOL_FROM_BYTES);
    pool.acquire(POOL_FROM_BYTES);
    pool.acquire(POOL_FROM_BYTES);
    expect(pool.counts()).toMatchObject({ allocated: 4, reused: 2, freeBytes: 0 });
  });

  it('lends no block twice: loans out at once never share memory', () => {
    const pool = new ReceivePool();
    const first = pool.acquire(POOL_FROM_BYTES);
    expect(lp.recycle(first)).toBe(true);
    const second = pool.acquire(POOL_FROM_BYTES);
    const third = pool.acquire(POOL_FROM_BYTES);
    expect(second.buffer).toBe(first.buffer);
    expect(third.buffer).not.toBe(second.buffer);
    expect(pool.counts()).toMatchObject({ allocated: 2, reused: 1 });
  });
});
