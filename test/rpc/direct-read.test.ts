/**
 * Reads straight into the frame being gathered: a client's socket reads the rest of a
 * large reply's body into the body's own buffer, not into chunks copied afterwards; and
 * the frame reader hands out the body filled that way exactly as one pushed in chunks.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { directlyReadBytes, readSlabsAllocated } from '../../src/rpc/direct-read.ts';
import { FrameReader } from '../../src/rpc/frame-reader.ts';
import { closeAll, serve } from './harness.ts';

const MiB = 1024 * 1024;

class Maker {
  make(floats: number): Float32Array {
    return new Float32Array(floats).map((_, index) => index);
  }
  ping(n: number): number {
    return n + 1;
  }
}

afterEach(closeAll);

describe('direct reads', () => {
  it("reads a large reply's body straight into its buffer", async () => {
    const { client } = await serve(new Maker());
    const maker = client();
    const before = directlyReadBytes();
    const reply = await maker.make(MiB / 4);
    expect(reply.every((value, index) => value === index)).toBe(true);
    // All but the first chunk (which held the frame's start) went straight in.
    expect(directlyReadBytes() - before).toBeGreaterThan(MiB - 64 * 1024);
  });

  it('reads small replies one after another into one slab, not 64 KiB each', async () => {
    const { client } = await serve(new Maker());
    const maker = client();
    await maker.ping(0);
    const before = readSlabsAllocated();
    const answers: number[] = [];
    for (let n = 1; n <= 1_000; n++) answers.push(await maker.ping(n));
    expect(answers.every((answer, index) => answer === index + 2)).toBe(true);
    // A reply is a few dozen bytes: 1,000 of them fill one 64 KiB slab or two.
    expect(readSlabsAllocated() - before).toBeLessThanOrEqual(2);
  });

  it('hands out a body filled through readTarget like one pushed in chunks', () => {
    const frames: Buffer[] = [];
    const reader = new FrameReader({ onFrame: (body) => frames.push(Buffer.from(body)) }, MiB);
    const body = Buffer.from(Array.from({ length: 100_000 }, (_, index) => index % 251));
    const head = Buffer.alloc(4);
    head.writeUInt32BE(body.length, 0);
    expect(reader.readTarget()).toBeUndefined(); // between frames: read a chunk
    reader.push(Buffer.concat([head, body.subarray(0, 1_000)]));
    let at = 1_000;
    while (at < body.length) {
      const target = reader.readTarget();
      if (target === undefined) throw new Error('no target while a body is being gathered');
      const bytes = Math.min(30_000, target.length);
      body.copy(target, 0, at, at + bytes);
      reader.filled(bytes);
      at += bytes;
    }
    expect(frames).toHaveLength(1);
    expect(frames[0]?.equals(body)).toBe(true);
    expect(reader.readTarget()).toBeUndefined();
  });
});
