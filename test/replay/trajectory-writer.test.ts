/**
 * The trajectory writer sends each step once, creates items over the last N steps by
 * reference, and lets the node free steps no item or writer needs.
 */
import { describe, expect, it } from 'vitest';
import {
  RateLimiters,
  Removers,
  ReplayService,
  Samplers,
  TrajectoryWriter,
  type TrajectoryWrite,
} from '../../src/replay/index.ts';

function setup(maxSize = 100): {
  replay: ReplayService;
  writes: TrajectoryWrite[];
  target: ReplayService;
} {
  const replay = new ReplayService({
    tables: [
      {
        name: 't',
        maxSize,
        // Each item is read once, in order, so tests read items back in insertion order.
        maxTimesSampled: 1,
        sampler: Samplers.fifo(),
        remover: Removers.fifo(),
        rateLimiter: RateLimiters.minSize(1),
      },
    ],
  });
  const writes: TrajectoryWrite[] = [];
  // Records what crosses the wire, to check that no step is sent twice.
  const target = Object.assign(Object.create(replay) as ReplayService, {
    writeTrajectory: (write: TrajectoryWrite) => {
      writes.push(structuredClone(write));
      return replay.writeTrajectory(write);
    },
    releaseWriter: (id: string) => {
      replay.releaseWriter(id);
    },
  });
  return { replay, writes, target };
}

describe('TrajectoryWriter', () => {
  it('creates overlapping items over the last N steps, sending each step once', async () => {
    const { replay, writes, target } = setup();
    const writer = new TrajectoryWriter<Float32Array>(target, { maxHistory: 3, chunkLength: 2 });
    for (let step = 0; step < 6; step++) {
      writer.append(new Float32Array([step]));
      if (writer.episodeSteps >= 3) await writer.createItem(3, { t: step });
    }
    const sent = writes.flatMap((write) => write.chunks.flatMap((chunk) => chunk.steps));
    expect(sent.map((step) => (step as Float32Array)[0])).toEqual([0, 1, 2, 3, 4, 5]);
    const items = await replay.sample('t', 4);
    expect(items.map((item) => (item.data as Float32Array[]).map((s) => s[0]))).toEqual([
      [0, 1, 2],
      [1, 2, 3],
      [2, 3, 4],
      [3, 4, 5],
    ]);
    expect(items[0]!.data).toBeInstanceOf(Array);
    expect((items[0]!.data as unknown[])[0]).toBeInstanceOf(Float32Array);
  });

  it('never sends steps no item covers', async () => {
    const { writes, target } = setup();
    const writer = new TrajectoryWriter<number>(target, { maxHistory: 2, chunkLength: 1 });
    for (let step = 0; step < 10; step++) writer.append(step);
    await writer.createItem(2, { t: 1 });
    expect(writes).toHaveLength(1);
    expect(writes[0]!.chunks.flatMap((chunk) => chunk.steps)).toEqual([8, 9]);
  });

  it('frees chunks once no item references them and the writer moved on', async () => {
    const { replay, target } = setup(2);
    const writer = new TrajectoryWriter<number>(target, { maxHistory: 2, chunkLength: 1 });
    for (let step = 0; step < 20; step++) {
      writer.append(step);
      if (writer.episodeSteps >= 2) await writer.createItem(2, { t: 1 });
    }
    // The table keeps the last two items, steps [17, 18] and [18, 19]; the writer keeps
    // steps 18 and 19: chunks 17, 18 and 19 are held, every older one was freed.
    expect(replay.info().chunks).toBe(3);
    await writer.endEpisode();
    expect(writer.episodeSteps).toBe(0);
    // The writer let go of its steps, but the items still hold all three chunks.
    expect(replay.info().chunks).toBe(3);
    // Sampling the two items deletes them (maxTimesSampled 1), which frees their chunks.
    await replay.sample('t', 2);
    expect(replay.info().chunks).toBe(0);
  });

  it('refuses items longer than the episode or maxHistory, saying what is allowed', async () => {
    const { target } = setup();
    const writer = new TrajectoryWriter<number>(target, { maxHistory: 3 });
    writer.append(1);
    await expect(writer.createItem(2, { t: 1 })).rejects.toThrow(
      'Cannot create an item over the last 2 steps: the episode has 1 steps and maxHistory is 3; ask for 1 to 1 steps, or raise maxHistory.',
    );
    expect(() => new TrajectoryWriter(target, { maxHistory: 0 })).toThrow(/maxHistory/);
  });

  it('items never span episodes', async () => {
    const { replay, target } = setup();
    const writer = new TrajectoryWriter<string>(target, { maxHistory: 2 });
    writer.append('a');
    writer.append('b');
    await writer.endEpisode();
    writer.append('c');
    await expect(writer.createItem(2, { t: 1 })).rejects.toThrow(/episode has 1 steps/);
    await writer.createItem(1, { t: 1 });
    expect((await replay.sample('t', 1))[0]!.data).toEqual(['c']);
  });
});
