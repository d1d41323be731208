/**
 * Checkpoints round-trip every table, and a corrupt or foreign file is refused with a
 * clear error while nothing is overwritten.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { isLaunchpadError } from '../../src/errors/errors.ts';
import { decodeCheckpoint, encodeCheckpoint } from '../../src/replay/checkpoint.ts';
import {
  RateLimiters,
  Removers,
  ReplayService,
  Samplers,
  TrajectoryWriter,
  queueTable,
  type ReplayOptions,
} from '../../src/replay/index.ts';

const tables: ReplayOptions['tables'] = [
  {
    name: 'prio',
    maxSize: 100,
    sampler: Samplers.maxHeap(),
    remover: Removers.fifo(),
    rateLimiter: RateLimiters.minSize(1),
  },
  queueTable('queue', 10),
];

const directories: string[] = [];

function tempDir(): string {
  const directory = mkdtempSync(join(tmpdir(), 'lp-replay-test-'));
  directories.push(directory);
  return directory;
}

afterAll(() => {
  for (const directory of directories) rmSync(directory, { recursive: true, force: true });
});

async function filled(directory: string): Promise<ReplayService> {
  const replay = new ReplayService({ tables, checkpoint: { directory } });
  await replay.insert(new Float64Array([1.5, 2.5]), { prio: 3, queue: 1 });
  await replay.insert(new Map([['k', [1, 2]]]), { prio: 9 });
  const writer = new TrajectoryWriter<string>(replay, { maxHistory: 2 });
  writer.append('s0');
  writer.append('s1');
  await writer.createItem(2, { prio: 5 });
  await replay.sample('prio', 2);
  return replay;
}

describe('checkpoints', () => {
  it('round-trip items, priorities, times sampled, counters and trajectory data', async () => {
    const directory = tempDir();
    const original = await filled(directory);
    const path = await original.checkpoint();
    expect(path.startsWith(directory)).toBe(true);
    expect(original.info().lastCheckpoint).toBe(path);

    const restored = new ReplayService({ tables, checkpoint: { restoreFrom: path } });
    expect(restored.info()).toEqual({ ...original.info(), lastCheckpoint: path });
    const [top] = await restored.sample('prio', 1);
    expect(top).toMatchObject({ priority: 9, timesSampled: 3, data: new Map([['k', [1, 2]]]) });
    restored.updatePriorities('prio', [[top!.key, 0]]);
    expect((await restored.sample('prio', 1))[0]!.data).toEqual(['s0', 's1']);
    const [queued] = await restored.sample('queue', 1);
    expect(queued!.data).toEqual(new Float64Array([1.5, 2.5]));
    // New keys continue after the restored ones.
    expect(await restored.insert('new', { prio: 1 })).toBeGreaterThan(top!.key);
  });

  it('a node restarted on the same directory restores the newest checkpoint', async () => {
    const directory = tempDir();
    const original = await filled(directory);
    await original.checkpoint();
    await original.insert('later', { prio: 1 });
    const newest = await original.checkpoint();
    const restarted = new ReplayService({ tables, checkpoint: { directory } });
    expect(restarted.info().lastCheckpoint).toBe(newest);
    expect(restarted.info().tables[0]!.size).toBe(4);
    // A directory given as restoreFrom works the same way.
    const fromDirectory = new ReplayService({ tables, checkpoint: { restoreFrom: directory } });
    expect(fromDirectory.info().lastCheckpoint).toBe(newest);
  });

  it('refuses foreign, truncated, corrupt and future-version files, overwriting nothing', async () => {
    const directory = tempDir();
    const good = await (await filled(directory)).checkpoint();
    const bytes = readFileSync(good);
    const cases: [string, Buffer, RegExp][] = [
      [
        'foreign.lpreplay',
        Buffer.from('{"not": "a checkpoint"}'),
        /is not a launchpad-ts replay checkpoint/,
      ],
      ['truncated.lpreplay', bytes.subarray(0, bytes.length - 10), /truncated or appended to/],
      [
        'corrupt.lpreplay',
        Buffer.concat([bytes.subarray(0, bytes.length - 1), Buffer.from([bytes.at(-1)! ^ 0xff])]),
        /checksum does not match/,
      ],
      [
        'future.lpreplay',
        (() => {
          const copy = Buffer.from(bytes);
          copy.writeUInt32BE(99, 8);
          return copy;
        })(),
        /format version is 99, and this launchpad-ts reads version 1/,
      ],
    ];
    for (const [name, content, problem] of cases) {
      const path = join(directory, name);
      writeFileSync(path, content);
      const before = readdirSync(directory).sort();
      let thrown: unknown;
      try {
        new ReplayService({ tables, checkpoint: { restoreFrom: path, everyMs: 1 } });
      } catch (error) {
        thrown = error;
      }
      expect(isLaunchpadError(thrown, 'INVALID_ARGUMENT'), name).toBe(true);
      expect((thrown as Error).message).toMatch(problem);
      expect((thrown as Error).message).toContain(`Refusing to restore replay checkpoint ${path}`);
      expect((thrown as Error).message).toContain('Nothing was restored or overwritten');
      expect(readFileSync(path).equals(content), name).toBe(true);
      expect(readdirSync(directory).sort()).toEqual(before);
    }
    expect(readFileSync(good).equals(bytes)).toBe(true);
  });

  it('refuses every one-byte corruption of a small checkpoint, at every byte position', () => {
    const bytes = encodeCheckpoint({ createdAt: 1, nextKey: 2, chunks: [['c', [1]]], tables: [] });
    expect(decodeCheckpoint(bytes, 'intact').nextKey).toBe(2);
    const accepted: string[] = [];
    for (let position = 0; position < bytes.length; position++) {
      // A low bit and a high bit: a flipped bit and a byte that reads as another character.
      for (const flip of [0x01, 0x80]) {
        const corrupt = Buffer.from(bytes);
        corrupt[position]! ^= flip;
        try {
          decodeCheckpoint(corrupt, 'corrupt');
          accepted.push(`byte ${position} ^ 0x${flip.toString(16)}`);
        } catch (error) {
          expect(isLaunchpadError(error, 'INVALID_ARGUMENT')).toBe(true);
        }
      }
    }
    expect(accepted).toEqual([]);
  });

  it('refuses a checkpoint holding a table this node does not configure', async () => {
    const directory = tempDir();
    const path = await (await filled(directory)).checkpoint();
    expect(
      () => new ReplayService({ tables: [tables[0]!], checkpoint: { restoreFrom: path } }),
    ).toThrow(/holds table "queue", which this node does not configure \(its tables: prio\)/);
  });

  it('refuses a missing file and asks for a directory outside a node', async () => {
    expect(
      () => new ReplayService({ tables, checkpoint: { restoreFrom: '/nonexistent/x.lpreplay' } }),
    ).toThrow(/Cannot read replay checkpoint \/nonexistent\/x.lpreplay \(ENOENT\)/);
    await expect(new ReplayService({ tables }).checkpoint()).rejects.toThrow(
      /set options.checkpoint.directory/,
    );
  });
});
