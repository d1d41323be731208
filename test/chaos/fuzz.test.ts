/**
 * Fuzzed frames against a live RPC server in its own process: random bytes, mutated
 * valid frames, truncated frames and bogus lengths, on connections with and without the
 * secret. The server keeps serving a legitimate caller, and its memory stays within
 * 1.2× of what it was at the start. The sequence is seeded, so a failure reproduces.
 */
import { encode } from '../../src/rpc/codec.ts';
import { FrameType } from '../../src/rpc/protocol.ts';
import { createRng, type Rng } from '../../src/replay/rng.ts';
import { afterEach, describe, expect, it } from 'vitest';
import {
  cleanUp,
  frame,
  legitimateCaller,
  rawSocket,
  rssBytes,
  SECRET,
  startServer,
  whenClosed,
} from './server-process.ts';

afterEach(cleanUp);

const SEED = 20_261_130;
const CONNECTIONS = 1_000;
const FRAMES_PER_CONNECTION = 10;
const PARALLEL = 20;

const int = (rng: Rng, below: number): number => Math.floor(rng.next() * below);

function randomBytes(rng: Rng, length: number): Buffer {
  const bytes = Buffer.alloc(length);
  for (let i = 0; i < length; i++) bytes[i] = int(rng, 256);
  return bytes;
}

// Valid frames of every kind a client may send, to be mutated.
const VALID_BODIES = [
  encode([FrameType.hello, SECRET, 'fuzzer']),
  encode([FrameType.call, 1, 'echo', [1, 'two', { three: [3] }]]),
  encode([FrameType.call, 2, 'missing', []]),
  encode([FrameType.cancel, 1]),
  encode([FrameType.credit, 1, 32]),
  encode([FrameType.call, 3, 'echo', [new Float32Array([1, 2]), new Map([['k', 1]])]]),
];

type Kind = 'random' | 'mutated' | 'truncated' | 'bogus-length';
const KINDS: readonly Kind[] = ['random', 'mutated', 'truncated', 'bogus-length'];

// One fuzzed frame; a truncated one ends what the connection sends.
function fuzzedFrame(rng: Rng, kind: Kind): Buffer {
  switch (kind) {
    case 'random':
      return frame(randomBytes(rng, 1 + int(rng, 64)));
    case 'mutated': {
      const body = Buffer.from(VALID_BODIES[int(rng, VALID_BODIES.length)]!);
      for (let flips = 1 + int(rng, 3); flips > 0; flips--)
        body[int(rng, body.length)] = int(rng, 256);
      return frame(body);
    }
    case 'truncated': {
      const whole = frame(VALID_BODIES[int(rng, VALID_BODIES.length)]!);
      return whole.subarray(0, 1 + int(rng, whole.length - 1));
    }
    case 'bogus-length': {
      const head = Buffer.alloc(4);
      head.writeUInt32BE(int(rng, 2 ** 32));
      return Buffer.concat([head, randomBytes(rng, int(rng, 32))]);
    }
  }
}

// What one connection sends: half the time a valid HELLO first (so the frames reach
// the authenticated paths), then random and mutated frames, and a last frame of any
// kind. Truncated frames and bogus lengths come last because they swallow what follows.
function connectionBytes(rng: Rng, counts: Record<Kind, number>): Buffer {
  const parts: Buffer[] = [];
  if (rng.next() < 0.5) parts.push(frame(VALID_BODIES[0]!));
  for (let i = 0; i < FRAMES_PER_CONNECTION; i++) {
    const last = i === FRAMES_PER_CONNECTION - 1;
    const kind: Kind = last
      ? KINDS[int(rng, KINDS.length)]!
      : rng.next() < 0.5
        ? 'random'
        : 'mutated';
    counts[kind] += 1;
    parts.push(fuzzedFrame(rng, kind));
  }
  return Buffer.concat(parts);
}

// Connections the server neither answered to the end nor closed within 5 s.
let stuck = 0;

async function attack(address: string, bytes: Buffer): Promise<void> {
  const socket = await rawSocket(address);
  const closed = whenClosed(socket);
  // Read (and drop) the answers, or the end of the stream is never seen.
  socket.resume();
  socket.end(bytes);
  // Bounded: a server that neither answers nor closes is cut off by us after 5 s.
  const timer = setTimeout(() => {
    stuck += 1;
    socket.destroy();
  }, 5_000);
  await closed;
  clearTimeout(timer);
}

describe('fuzzed frames', () => {
  it(`${CONNECTIONS * FRAMES_PER_CONNECTION} fuzzed frames: the server keeps serving, its memory stays within 1.2× of its start`, async () => {
    const server = await startServer();
    const caller = legitimateCaller(server.address);
    for (let i = 0; i < 50; i++) expect(await caller.call('echo', [i], {})).toBe(i);
    const rssStart = rssBytes(server.pid);
    const rng = createRng(SEED);
    const counts: Record<Kind, number> = { random: 0, mutated: 0, truncated: 0, 'bogus-length': 0 };
    let rssPeak = rssStart;
    for (let started = 0; started < CONNECTIONS; started += PARALLEL) {
      const batch = Array.from({ length: Math.min(PARALLEL, CONNECTIONS - started) }, () =>
        connectionBytes(rng, counts),
      );
      await Promise.all(batch.map((bytes) => attack(server.address, bytes)));
      // The legitimate caller is served between every two batches.
      expect(await caller.call('echo', [started], {})).toBe(started);
      rssPeak = Math.max(rssPeak, rssBytes(server.pid));
    }
    const total = Object.values(counts).reduce((sum, count) => sum + count, 0);
    expect(total).toBeGreaterThanOrEqual(10_000);
    expect(server.run.child.exitCode).toBeNull();
    expect(await caller.call('echo', ['still serving'], {})).toBe('still serving');
    const rssEnd = rssBytes(server.pid);
    console.log(
      `fuzz: ${total} frames ${JSON.stringify(counts)}; server RSS start ${(rssStart / 2 ** 20).toFixed(1)} MiB, ` +
        `peak ${(rssPeak / 2 ** 20).toFixed(1)} MiB, end ${(rssEnd / 2 ** 20).toFixed(1)} MiB ` +
        `(${(rssEnd / rssStart).toFixed(3)}× at the end, ${(rssPeak / rssStart).toFixed(3)}× at the peak)`,
    );
    expect(rssPeak / rssStart).toBeLessThanOrEqual(1.2);
    expect(stuck).toBe(0);
  });
});
