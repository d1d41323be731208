/**
 * What reading a large frame costs in fresh memory and in memory given back, in one
 * process, without sockets: `npx tsx bench/receive-pool.ts [MiB=64] [rounds=3]` (frames under
 * 4 MiB are not pooled over TCP: there all three modes read into fresh memory). Each
 * frame (a Float32Array echo's call) is pushed to a FrameReader in 64 KiB chunks, as a
 * socket delivers it, decoded, and its array encoded again as the reply would be. Modes,
 * alternated: `fresh` (no pool: a new buffer per frame, as before the pool), `pool` (the
 * pool, nothing given back: a new block per frame) and `recycled` (each array given back
 * with `recycle` once encoded: one block for every frame). Prints ms per frame, read and
 * decode, and the re-encode part.
 */
import { loadavg } from 'node:os';
import { decodeFrameBody, encodeFrame } from '../src/rpc/codec.ts';
import { FrameReader } from '../src/rpc/frame-reader.ts';
import { ReceivePool, recycle } from '../src/rpc/receive-pool.ts';

const mib = Number(process.argv[2] ?? 64);
const rounds = Number(process.argv[3] ?? 3);
const value = new Float32Array(mib * 262_144).map((_, i) => i);
const frame = encodeFrame([2, 1, value], 2 ** 30) as Buffer;
const chunks: Buffer[] = [];
for (let at = 0; at < frame.length; at += 65_536) {
  chunks.push(Buffer.from(frame.subarray(at, at + 65_536)));
}
const frames = Math.max(10, Math.round(400 / mib));

for (let round = 1; round <= rounds; round++) {
  for (const mode of ['fresh', 'pool', 'recycled'] as const) {
    const pool = new ReceivePool();
    let decoded: unknown;
    const reader = new FrameReader(
      {
        onFrame: (body) => {
          decoded = decodeFrameBody(body);
        },
      },
      2 ** 30,
      mode === 'fresh' ? undefined : (size: number) => pool.acquire(size),
    );
    let encodeMs = 0;
    const start = performance.now();
    for (let index = 0; index < frames; index++) {
      for (const chunk of chunks) reader.push(chunk);
      const array = (decoded as [number, number, Float32Array])[2];
      const encodeStart = performance.now();
      encodeFrame([3, 1, array], 2 ** 30);
      encodeMs += performance.now() - encodeStart;
      if (mode === 'recycled') recycle(array);
    }
    const totalMs = (performance.now() - start) / frames;
    console.log(
      JSON.stringify({
        round,
        mode,
        mib,
        msPerFrame: Number(totalMs.toFixed(3)),
        readMs: Number((totalMs - encodeMs / frames).toFixed(3)),
        encodeMs: Number((encodeMs / frames).toFixed(3)),
        loadAverage: Number((loadavg()[0] ?? 0).toFixed(2)),
      }),
    );
  }
}
