/**
 * The replay node used from actor and learner nodes, each in its own process; then a new
 * program restores the replay node from the first one's checkpoint.
 */
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as lp from 'launchpad-ts';
import { readCheckpoint } from 'launchpad-ts/replay';
import { ITEM_STEPS, makeProgram } from '../../examples/replay/program.ts';

describe('actors → replay → learner', () => {
  it('runs under processes, and a new program restores the checkpoint', async () => {
    const first = makeProgram({ numActors: 2 });
    let checkpoint: string;
    const running = lp.launch(first.program, { launchType: 'processes' });
    try {
      await running.ready;
      const learner = running.client(first.learner);
      let summary = await learner.train(10, 8);
      expect(summary).toMatchObject({ batches: 10, items: 80, wellFormed: true });
      // An actor whose process started late may miss the first batches: train until the
      // data of both has been sampled.
      while (summary.actors.length < 2) summary = await learner.train(10, 8);
      expect(summary).toEqual({ batches: 10, items: 80, actors: [0, 1], wellFormed: true });
      const replay = running.client(first.replay);
      checkpoint = await replay.checkpoint();
      expect(checkpoint.startsWith(running.workdir)).toBe(true);
      expect(existsSync(checkpoint)).toBe(true);
      const table = (await replay.info()).tables[0]!;
      // The rate limiter keeps actors within 2 samples per insert, give or take 20.
      expect(table.samples).toBeGreaterThanOrEqual(80);
      expect(table.inserts * 2 - table.samples).toBeLessThanOrEqual(2 * 10 + 20);
    } finally {
      await running.stop();
    }

    // Without actors nothing changes the table, so it holds exactly what was saved.
    const saved = readCheckpoint(checkpoint).tables[0]!;
    const second = makeProgram({ numActors: 0, restoreFrom: checkpoint });
    const restored = lp.launch(second.program, { launchType: 'in-process' });
    try {
      await restored.ready;
      const info = await restored.client(second.replay).info();
      expect(info.lastCheckpoint).toBe(checkpoint);
      expect(info.tables[0]).toMatchObject({ size: saved.items.length, ...saved.counters });
      const [item] = await restored.client(second.replay).sample('experience', 1);
      expect(item!.data).toHaveLength(ITEM_STEPS);
    } finally {
      await restored.stop();
    }
  });
});
