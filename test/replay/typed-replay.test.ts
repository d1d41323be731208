/**
 * Typed replay: a node declared with an item type gives typed samples; `insertMany`
 * inserts a batch in one call; a trajectory writer with `itemsPerWrite` batches its items.
 */
import * as lp from 'launchpad-ts';
import { describe, expect, expectTypeOf, it } from 'vitest';
import {
  RateLimiters,
  Removers,
  ReplayNode,
  ReplayService,
  Samplers,
  TrajectoryWriter,
  queueTable,
  type ReplayClient,
  type SampledItem,
  type TrajectoryWrite,
} from '../../src/replay/index.ts';

interface Transition {
  readonly observation: Float32Array;
  readonly action: number;
}

function fifoService<Item>(): ReplayService<Item> {
  return new ReplayService<Item>({
    tables: [
      {
        name: 't',
        maxSize: 100,
        maxTimesSampled: 1,
        sampler: Samplers.fifo(),
        remover: Removers.fifo(),
        rateLimiter: RateLimiters.minSize(1),
      },
      queueTable('q', 100),
    ],
  });
}

describe('typed replay', () => {
  it('types samples with the item type the node was declared with', () => {
    const program = new lp.Program('typed');
    const replay = program.addNode(
      new ReplayNode<Transition>({ tables: [queueTable('q', 10)] }),
      'replay',
    );
    expectTypeOf(replay).toEqualTypeOf<lp.Handle<ReplayService<Transition>>>();
    type Sampled = Awaited<ReturnType<ReplayClient<Transition>['sample']>>;
    expectTypeOf<Sampled>().toEqualTypeOf<SampledItem<Transition>[]>();
    expectTypeOf<Parameters<ReplayClient<Transition>['insert']>[0]>().toEqualTypeOf<Transition>();
    // An untyped node keeps `unknown` items, as before.
    expectTypeOf<Awaited<ReturnType<ReplayClient['sample']>>>().toEqualTypeOf<SampledItem[]>();
  });

  it('inserts a batch with insertMany, keys in order, each with its own tables', async () => {
    const replay = fifoService<Transition>();
    const items = [0, 1, 2].map((action) => ({
      data: { observation: new Float32Array([action]), action },
      priorities: action === 1 ? { t: 1, q: 1 } : { t: 1 },
    }));
    const keys = await replay.insertMany(items);
    expect(keys).toHaveLength(3);
    expect(keys[1]).toBe(keys[0]! + 1);
    const sampled = await replay.sample('t', 3);
    expect(sampled.map((item) => item.data.action)).toEqual([0, 1, 2]);
    expect(sampled[2]!.data.observation).toEqual(new Float32Array([2]));
    expect((await replay.sample('q', 1))[0]!.key).toBe(keys[1]);
    expect(await replay.insertMany([])).toEqual([]);
  });

  it('checks every entry before inserting any, naming the bad entry', async () => {
    const replay = fifoService<number>();
    await expect(
      replay.insertMany([
        { data: 1, priorities: { t: 1 } },
        { data: 2, priorities: { t: -1 } },
      ]),
    ).rejects.toThrow(/priority for table "t \(items\[1\]\.priorities\)".*got -1/);
    await expect(
      replay.insertMany([
        { data: 1, priorities: { t: 1 } },
        { data: 2, priorities: { nope: 1 } },
      ]),
    ).rejects.toThrow(/No table "nope"/);
    await expect(replay.insertMany([7 as never])).rejects.toThrow(
      /items\[0\] must be \{ data, priorities \}, got 7/,
    );
    expect(replay.info().tables[0]!.inserts).toBe(0);
  });

  it('sends a trajectory writer’s items in batches of itemsPerWrite, and the rest at flush', async () => {
    const replay = fifoService<number[]>();
    const writes: TrajectoryWrite[] = [];
    const target = {
      writeTrajectory: (write: TrajectoryWrite) => {
        writes.push(structuredClone(write));
        return replay.writeTrajectory(write);
      },
      releaseWriter: (id: string) => {
        replay.releaseWriter(id);
      },
    };
    const writer = new TrajectoryWriter<number>(target, { maxHistory: 2, itemsPerWrite: 3 });
    const created: Promise<number>[] = [];
    for (let t = 0; t < 6; t++) {
      writer.append(t);
      if (writer.episodeSteps >= 2) created.push(writer.createItem(2, { t: 1 }));
    }
    // Five items: one batch of three went out, two wait for the flush.
    expect(writes.map((write) => write.items.length)).toEqual([3]);
    await writer.endEpisode();
    expect(writes.map((write) => write.items.length)).toEqual([3, 2]);
    const keys = await Promise.all(created);
    expect(new Set(keys).size).toBe(5);
    const sampled = await replay.sample('t', 5);
    expect(sampled.map((item) => item.data)).toEqual([
      [0, 1],
      [1, 2],
      [2, 3],
      [3, 4],
      [4, 5],
    ]);
    expect(replay.info().chunks).toBe(0);
    expect(() => new TrajectoryWriter(target, { maxHistory: 2, itemsPerWrite: 0 })).toThrow(
      /itemsPerWrite.*integer ≥ 1/,
    );
  });
});
