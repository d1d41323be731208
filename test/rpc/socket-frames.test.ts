/**
 * A socket frame is msgpackr's output with its length prefix in 4 reserved bytes, a view
 * of msgpackr's encode buffer: a small frame must not keep that buffer alive once a
 * large message has grown it, since a frame may wait in a stalled socket's queue.
 */
import { describe, expect, it } from 'vitest';
import { decodeFrameBody, encodeSocketFrame } from '../../src/rpc/codec.ts';

const MAX = 1024 * 1024 * 1024;
const allocate = (size: number): Buffer => Buffer.allocUnsafe(size);

function oneBuffer(frame: ReturnType<typeof encodeSocketFrame>): Buffer {
  if (!Buffer.isBuffer(frame)) throw new Error('expected a frame in one buffer');
  return frame;
}

describe('a socket frame', () => {
  it('holds at most 1 MiB of memory when small, also after a large message', () => {
    // Strings are packed inline (no out-of-band segment), so this grows msgpackr's buffer.
    const large = Array.from({ length: 200_000 }, (_, i) => `word-${String(i)}`);
    const big = oneBuffer(encodeSocketFrame(large, MAX, allocate));
    expect(big.byteLength).toBeGreaterThan(1024 * 1024);
    const small = oneBuffer(encodeSocketFrame([7, 'ping', 42], MAX, allocate));
    expect(small.buffer.byteLength).toBeLessThanOrEqual(1024 * 1024);
    expect(small.readUInt32BE(0)).toBe(small.byteLength - 4);
    expect(decodeFrameBody(small.subarray(4))).toEqual([7, 'ping', 42]);
    // The large frame is intact: the small one did not overwrite it.
    expect(decodeFrameBody(big.subarray(4))).toEqual(large);
  });
});
