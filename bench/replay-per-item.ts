/**
 * Replay's CPU per item, in one process, the shape of the Ape-X DQN example: actors'
 * `insertMany` calls of 32 transitions (11 floats each) into a prioritized table of
 * 100,000 with a FIFO remover, and a learner's `sample` calls of 64 followed by
 * `updatePriorities` of those 64; each call's arguments decoded from, and its result
 * encoded into, the RPC's MessagePack frame as the replay node does. Prints µs of CPU per
 * inserted and per sampled transition (the targets of issue 27: ≤ 5 each):
 * `npx tsx bench/replay-per-item.ts [--rounds=3] [--calls=3000]`. Bounded by the calls.
 */
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { decodeFrameBody, encodeMessage } from '../src/rpc/codec.ts';
import { FrameType } from '../src/rpc/protocol.ts';
import { RateLimiters, Removers, ReplayService, Samplers } from '../src/replay/index.ts';

const INSERT_BATCH = 32;
const SAMPLE_BATCH = 64;
const TRANSITION_FLOATS = 11;
const MAX_BYTES = 1024 ** 3;

/** A call's frame, as an actor or learner sends it (encoded outside the measurement). */
function callFrame(method: string, args: unknown[]): Uint8Array {
  return encodeMessage([FrameType.call, 1, method, args], MAX_BYTES);
}

/** What the replay node does with a call: decode its frame, run it, encode the answer. */
async function serve(service: ReplayService, frame: Uint8Array): Promise<unknown> {
  const call = decodeFrameBody(frame) as [number, number, string, unknown[]];
  const run = (service as unknown as Record<string, (...a: unknown[]) => unknown>)[call[2]];
  if (run === undefined) throw new Error(`No method ${call[2]} on the replay service.`);
  const result = await run.apply(service, call[3]);
  encodeMessage([FrameType.result, 1, result], MAX_BYTES);
  return result;
}

function cpuMicros(): number {
  const usage = process.cpuUsage();
  return usage.user + usage.system;
}

async function round(calls: number): Promise<{ insert: number; sample: number }> {
  const service = new ReplayService({
    seed: 1,
    tables: [
      {
        name: 't',
        maxSize: 100_000,
        sampler: Samplers.prioritized(0.6),
        remover: Removers.fifo(),
        rateLimiter: RateLimiters.minSize(1_000),
      },
    ],
  });
  const entries = (): unknown[] =>
    Array.from({ length: INSERT_BATCH }, (_, i) => ({
      data: new Float32Array(TRANSITION_FLOATS).fill(i),
      priorities: { t: 1 + (i % 7) },
    }));
  // Fill past the minimum size, then measure.
  for (let i = 0; i < 100; i++) await serve(service, callFrame('insertMany', [entries()]));
  const inserts = Array.from({ length: calls }, () => callFrame('insertMany', [entries()]));
  const sample = callFrame('sample', ['t', SAMPLE_BATCH]);
  let before = cpuMicros();
  for (const frame of inserts) await serve(service, frame);
  const insert = (cpuMicros() - before) / (calls * INSERT_BATCH);
  before = cpuMicros();
  for (let i = 0; i < calls; i++) {
    const batch = (await serve(service, sample)) as { key: number }[];
    // The learner's priority update of the batch (its encoding is the learner's cost, but
    // small beside the rest).
    await serve(service, callFrame('updatePriorities', ['t', batch.map((item) => [item.key, 2])]));
  }
  return { insert, sample: (cpuMicros() - before) / (calls * SAMPLE_BATCH) };
}

const { values } = parseArgs({
  strict: false,
  options: { rounds: { type: 'string' }, calls: { type: 'string' } },
});
const rounds = Number(values.rounds ?? 3);
const calls = Number(values.calls ?? 3000);
for (let r = 1; r <= rounds; r++) {
  const { insert, sample } = await round(calls);
  console.log(
    `round ${r}: ${insert.toFixed(2)} µs CPU per inserted transition, ` +
      `${sample.toFixed(2)} µs per sampled (with its priority update); load ${loadavg()[0]?.toFixed(1)}`,
  );
}
