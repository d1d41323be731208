/**
 * Arrays handed over with `lp.recycleOnceSent` leave over TCP without a copy: the reply is
 * written from the memory the request was read into. Counted in bytes sent that way,
 * never timed.
 */
import * as lp from 'launchpad-ts';
import { afterEach, describe, expect, it } from 'vitest';
import { handedOverWithoutCopy, POOL_FROM_BYTES } from '../../src/rpc/receive-pool.ts';
import { closeAll, serve } from './harness.ts';

const MIB = 1024 * 1024;

class Relay {
  /** Returns what it got, handed over. */
  echo(value: Float32Array): Float32Array {
    return lp.recycleOnceSent(value);
  }
  /** Two arrays of one message, both handed over, around a small part. */
  pair(value: { a: Float64Array; b: Uint8Array }): { a: Float64Array; tag: string; b: Uint8Array } {
    return { a: lp.recycleOnceSent(value.a), tag: 'pair', b: lp.recycleOnceSent(value.b) };
  }
  /** Returns what it got without handing it over: copied as before. */
  keep(value: Float32Array): Float32Array {
    return value;
  }
}

const filled = (length: number, seed: number): Float32Array => {
  const values = new Float32Array(length);
  for (let index = 0; index < length; index++) values[index] = seed + index;
  return values;
};

// Byte for byte, and of the same kind (a deep equality over a million floats is slow).
const same = (a: ArrayBufferView, b: ArrayBufferView): boolean =>
  a.constructor === b.constructor &&
  Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(
    Buffer.from(b.buffer, b.byteOffset, b.byteLength),
  );

afterEach(closeAll);

describe('handing arrays over to a reply over TCP', () => {
  it('writes a 1 MiB echo from the request memory, with no copy, intact', async () => {
    const { client } = await serve(new Relay());
    const relay = client();
    const before = handedOverWithoutCopy();
    for (let seed = 1; seed <= 5; seed++) {
      const sent = filled(MIB / 4, seed);
      const back = await relay.echo(sent);
      expect(same(back, sent)).toBe(true);
    }
    expect(handedOverWithoutCopy() - before).toBe(5 * MIB);
  });

  it('keeps the layout of several segments, their padding and a pooled block', async () => {
    const { client } = await serve(new Relay());
    const relay = client();
    const before = handedOverWithoutCopy();
    // 3 bytes: the next segment starts after 5 bytes of padding.
    const b = new Uint8Array(64 * 1024 + 3).map((_, index) => index % 251);
    const a = new Float64Array(POOL_FROM_BYTES / 8 + 1).map((_, index) => index / 3);
    for (let round = 0; round < 3; round++) {
      const back = await relay.pair({ a, b });
      expect(back.tag).toBe('pair');
      expect(same(back.a, a)).toBe(true);
      expect(same(back.b, b)).toBe(true);
    }
    expect(handedOverWithoutCopy() - before).toBe(3 * (a.byteLength + b.byteLength));
  });

  it('copies arrays that were not handed over, as before', async () => {
    const { client } = await serve(new Relay());
    const relay = client();
    const before = handedOverWithoutCopy();
    const sent = filled(MIB / 4, 7);
    expect(same(await relay.keep(sent), sent)).toBe(true);
    expect(handedOverWithoutCopy()).toBe(before);
  });
});
