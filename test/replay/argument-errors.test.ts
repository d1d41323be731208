/**
 * A refused argument of a replay method names the method, the argument's path and what it
 * must be, and changes nothing.
 */
import { describe, expect, it } from 'vitest';
import { queueTable, ReplayService } from '../../src/replay/index.ts';

function service(): ReplayService<number> {
  return new ReplayService<number>({ tables: [queueTable('t', 10)] });
}

describe('the replay service refusing an argument', () => {
  it('names the method and the argument', async () => {
    const replay = service();
    await expect(replay.sample('t', 0)).rejects.toThrow(
      'sample: expected batchSize to be an integer ≥ 1, got 0.',
    );
    await expect(replay.insert(1, 5 as never)).rejects.toThrow(
      'insert: expected priorities to be an object of priorities by table name',
    );
    await expect(replay.insertMany(5 as never)).rejects.toThrow(
      'insertMany: expected items to be an array of { data, priorities } entries, got 5.',
    );
    expect(() => new ReplayService(null as never)).toThrow(
      'ReplayService: expected options to be an object ({ tables: [...] }), got null.',
    );
  });

  it('names the table and where its priority is', async () => {
    const replay = service();
    await expect(replay.insert(1, { t: -1 })).rejects.toThrow(
      'insert: the priority for table "t" must be a finite number ≥ 0, got -1.',
    );
    expect(() => replay.updatePriorities('t', [[1, Number.NaN]])).toThrow(
      'updatePriorities: the priority for table "t" must be a finite number ≥ 0, got null.',
    );
    await expect(
      replay.insertMany([{ data: 1, priorities: { t: 1 } }, 7 as never]),
    ).rejects.toThrow('insertMany: items[1] must be { data, priorities }, got 7.');
    expect(replay.info().tables[0]!.inserts).toBe(0);
  });
});
