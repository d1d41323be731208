/**
 * What a ReplayNode promises about its life in a program: a stopping node fails the
 * calls waiting on it with CANCELLED, `checkpoint.everyMs` writes checkpoints by itself,
 * and a node started again on the same workdir restores from its default directory.
 */
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as lp from 'launchpad-ts';
import { queueTable, ReplayNode } from 'launchpad-ts/replay';
import { afterAll, describe, expect, it } from 'vitest';
import { waitUntil } from '../helpers/wait-until.ts';

const workdirs: string[] = [];
afterAll(() => {
  for (const workdir of workdirs) rmSync(workdir, { recursive: true, force: true });
});

/** A program of one ReplayNode holding a queue, launched in-process on `workdir`. */
function launchQueue(workdir: string) {
  const program = new lp.Program('replay_restart');
  const replay = program.addNode(new ReplayNode({ tables: [queueTable('queue', 10)] }), 'replay');
  const running = lp.launch(program, { launchType: 'in-process', workdir });
  return { running, client: running.client(replay) };
}

describe('a ReplayNode', () => {
  it('fails a sample waiting on it with CANCELLED when it stops', async () => {
    const program = new lp.Program('replay_stop');
    const replay = program.addNode(new ReplayNode({ tables: [queueTable('queue', 10)] }), 'replay');
    const running = lp.launch(program, { launchType: 'in-process' });
    try {
      const client = running.client(replay);
      await client.info(); // connected, and the node is up
      // The queue is empty: this waits for an insert that never comes.
      const waiting = client.sample('queue', 1).catch((e: unknown) => e);
      // Taken after the sample on the same connection: the sample is waiting in the table.
      await client.info();
      await running.stop();
      const error = await waiting;
      expect(lp.isLaunchpadError(error, 'CANCELLED')).toBe(true);
    } finally {
      await running.stop();
    }
  });

  it('writes checkpoints by itself every everyMs', async () => {
    const program = new lp.Program('replay_periodic');
    program.addNode(
      new ReplayNode({ tables: [queueTable('queue', 10)], checkpoint: { everyMs: 20 } }),
      'replay',
    );
    const running = lp.launch(program, { launchType: 'in-process' });
    try {
      const directory = join(running.workdir, 'replay', 'replay_0');
      const checkpoints = (): string[] =>
        existsSync(directory) ? readdirSync(directory).filter((f) => f.endsWith('.lpreplay')) : [];
      // No call asks for a checkpoint: only the timer can write these.
      await waitUntil(() => checkpoints().length >= 2, 'two periodic checkpoints');
      expect(checkpoints().length).toBeGreaterThanOrEqual(2);
    } finally {
      await running.stop();
    }
  });

  it('started again on the same workdir, restores the newest checkpoint of its default directory', async () => {
    const workdir = mkdtempSync(join(tmpdir(), 'lp-replay-restart-'));
    workdirs.push(workdir);
    const first = launchQueue(workdir);
    try {
      await first.client.insert('kept', { queue: 1 });
      const path = await first.client.checkpoint();
      expect(path.startsWith(join(workdir, 'replay', 'replay_0'))).toBe(true);
    } finally {
      await first.running.stop();
    }
    const second = launchQueue(workdir);
    try {
      const client = second.client;
      const [item] = await lp.withOptions(client, { timeoutMs: 10_000 }).sample('queue', 1);
      expect(item?.data).toBe('kept');
    } finally {
      await second.running.stop();
    }
  });
});
