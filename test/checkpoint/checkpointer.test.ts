/**
 * Checkpoints for any service: saved at stop and on request, restored by a new launch and
 * by a restarted node; corrupt or foreign checkpoints refused and left as they are.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import * as lp from 'launchpad-ts';
import { encodeCheckpoint } from '../../src/replay/checkpoint.ts';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Counter } from '../fixtures/checkpointed.ts';

let workdir: string;
beforeEach(() => {
  workdir = mkdtempSync(join(tmpdir(), 'checkpointer-test-'));
});
afterEach(() => {
  rmSync(workdir, { recursive: true, force: true });
});

function checkpointer(
  kind: string,
  state: { value: Float32Array },
): lp.Checkpointer<{ value: Float32Array }> {
  return new lp.Checkpointer({
    kind,
    directory: workdir,
    saveOnStop: false,
    save: () => state,
    restore: (restored) => {
      state.value = restored.value;
    },
  });
}

describe('Checkpointer', () => {
  it('restores the newest checkpoint of its directory, typed arrays included', async () => {
    const first = { value: new Float32Array([1, 2]) };
    await checkpointer('model', first).save();
    const again = checkpointer('model', first);
    first.value = new Float32Array([3, 4]);
    const newest = again.saveNow();
    const second = { value: new Float32Array(0) };
    const restoring = checkpointer('model', second);
    expect(restoring.restoredFrom).toBe(newest);
    expect(second.value).toEqual(new Float32Array([3, 4]));
  });

  it('refuses a corrupt checkpoint without touching it or writing another', () => {
    const path = join(workdir, 'checkpoint-999999999999999-1-000000.lpstate');
    const state = { value: new Float32Array([1]) };
    checkpointer('model', state).saveNow();
    const bytes = readFileSync(readdirSync(workdir).map((name) => join(workdir, name))[0]!);
    bytes[bytes.length - 1]! ^= 0xff;
    writeFileSync(path, bytes);
    const before = readdirSync(workdir).sort();
    expect(() => checkpointer('model', state)).toThrow(
      /Refusing to restore service checkpoint .*999999999999999.*checksum does not match.*Nothing was restored or overwritten/,
    );
    expect(readFileSync(path)).toEqual(bytes);
    expect(readdirSync(workdir).sort()).toEqual(before);
  });

  it('refuses a foreign file and the state of another kind', () => {
    const replayFile = join(workdir, 'checkpoint-999999999999999-1-000000.lpstate');
    writeFileSync(
      replayFile,
      encodeCheckpoint({ createdAt: 0, nextKey: 1, chunks: [], tables: [] }),
    );
    const state = { value: new Float32Array([1]) };
    expect(() => checkpointer('model', state)).toThrow(
      /not a launchpad-ts service checkpoint \(it does not start with "LPSTATE1"\)/,
    );
    rmSync(replayFile);
    checkpointer('optimizer', state).saveNow();
    expect(() => checkpointer('model', state)).toThrow(
      /holds the state of a "optimizer", and this checkpointer restores a "model"/,
    );
  });

  it('refuses bad options, naming the option', () => {
    const save = (): number => 1;
    expect(() => new lp.Checkpointer({ kind: '', save, restore: save })).toThrow(
      /options.kind to be a non-empty string/,
    );
    expect(() => new lp.Checkpointer({ kind: 'k', save, restore: 1 as never })).toThrow(
      /Checkpointer\(k\): expected options.restore to be a function/,
    );
    expect(() => new lp.Checkpointer({ kind: 'k', save, restore: save })).toThrow(
      /outside a node; give it options.directory/,
    );
  });
});

describe('Checkpointer in a node', () => {
  let running: lp.RunningProgram | undefined;
  afterEach(async () => {
    await running?.stop();
    running = undefined;
  });

  function launchCounter(options: lp.LaunchOptions): {
    counter: lp.Client<Counter>;
    running: lp.RunningProgram;
  } {
    const program = new lp.Program('counting');
    const handle = program.addNode(new lp.ServiceNode(Counter), 'counter');
    running = lp.launch(program, { workdir, ...options });
    return { counter: running.client(handle), running };
  }

  it('saves at stop, and a new launch in the same workdir goes on from there', async () => {
    const first = launchCounter({ launchType: 'in-process' });
    await first.running.ready;
    for (let i = 0; i < 3; i++) await first.counter.bump();
    expect(await first.counter.state()).toEqual({ count: 3, history: [1, 2, 3], restored: false });
    await first.running.stop();
    const second = launchCounter({ launchType: 'in-process' });
    await second.running.ready;
    expect(await second.counter.state()).toEqual({ count: 3, history: [1, 2, 3], restored: true });
    expect(await second.counter.bump()).toBe(4);
  });

  it('restores a node restarted after a crash from its last checkpoint', async () => {
    const { counter, running: launched } = launchCounter({
      launchType: 'processes',
      restart: { mode: 'on-failure', maxRestarts: 1, backoffMs: 10 },
    });
    await launched.ready;
    await counter.bump();
    await counter.bump();
    await counter.save();
    // Not saved: a crash loses what came after the last checkpoint.
    await counter.bump();
    await counter.crash();
    // Calls fail while the node is down; the restarted node answers with the saved state.
    let state: Awaited<ReturnType<typeof counter.state>> | undefined;
    // Bounded: 1,500 tries 20 ms apart, while a new process starts on a loaded machine.
    for (let attempt = 0; attempt < 1_500 && state === undefined; attempt++) {
      try {
        if (launched.nodes().get('counter/0')?.restarts === 1) state = await counter.state();
      } catch (error) {
        if (!lp.isLaunchpadError(error, 'UNAVAILABLE')) throw error;
      }
      if (state === undefined) await sleep(20);
    }
    expect(state).toEqual({ count: 2, history: [1, 2], restored: true });
  });
});
