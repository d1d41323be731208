/**
 * Supervision: restart policies, node states, and what happens to callers of a node
 * that died.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import * as lp from 'launchpad-ts';
import { describe, expect, it } from 'vitest';
import { PassThrough } from 'node:stream';
import { failOnce, makeSupervisedProgram, type Doubler } from '../fixtures/supervision.ts';

const COUNT = 150;
const expected = Array.from({ length: COUNT }, (_, i) => 2 * i);

/** Kills the doubler from outside: SIGKILL of its process, or a crash of its thread. */
async function killDoubler(running: lp.RunningProgram, doubler: lp.Handle<Doubler>): Promise<void> {
  const client = running.client(doubler);
  if (running.launchType === 'processes') process.kill(await client.pid(), 'SIGKILL');
  else await client.crash();
}

describe.each(['processes', 'threads'] as const)('under %s', (launchType) => {
  it('restarts a killed node under on-failure; its callers get every result', async () => {
    const { program, doubler } = makeSupervisedProgram(COUNT);
    const running = lp.launch(program, {
      launchType,
      restart: { doubler: { mode: 'on-failure', maxRestarts: 2, backoffMs: 50 } },
    });
    await running.ready;
    await sleep(100); // let the consumer get going
    await killDoubler(running, doubler);
    await running.wait();
    const { results } = JSON.parse(readFileSync(join(running.workdir, 'results.json'), 'utf8')) as {
      results: number[];
    };
    expect(results).toEqual(expected);
    expect(running.nodes().get('doubler/0')).toEqual({ state: 'stopped', restarts: 1 });
    expect(running.nodes().get('consumer/0')).toEqual({ state: 'stopped', restarts: 0 });
  });

  it('stops the program and names the node under the default policy (never)', async () => {
    const { program, doubler } = makeSupervisedProgram(100_000);
    const running = lp.launch(program, { launchType });
    await running.ready;
    await killDoubler(running, doubler);
    const error: unknown = await running.wait().catch((e: unknown) => e);
    expect(lp.isLaunchpadError(error, 'NODE_FAILED')).toBe(true);
    expect((error as Error).message).toMatch(
      /^Node doubler\/0 failed: .*(killed by SIGKILL|exited with code 1)/,
    );
    expect(running.nodes().get('doubler/0')).toEqual({ state: 'failed', restarts: 0 });
  });

  it('stops the program once a node has used up its restarts', async () => {
    const { program, doubler } = makeSupervisedProgram(100_000);
    const running = lp.launch(program, {
      launchType,
      restart: { mode: 'on-failure', maxRestarts: 1, backoffMs: 10 },
    });
    await running.ready;
    await killDoubler(running, doubler);
    await sleep(300);
    await killDoubler(running, doubler);
    const error: unknown = await running.wait().catch((e: unknown) => e);
    expect((error as Error).message).toMatch(/^Node doubler\/0 failed/);
    expect(running.nodes().get('doubler/0')).toEqual({ state: 'failed', restarts: 1 });
  });
});

describe.each(['in-process', 'threads', 'processes'] as const)(
  'a node that fails once under %s',
  (launchType) => {
    it('is restarted, and its clean second run is not blamed for the first run’s error', async () => {
      const program = new lp.Program('fail_once');
      program.addNode(new lp.FunctionNode(failOnce), 'flaky');
      const running = lp.launch(program, {
        launchType,
        stderr: new PassThrough(),
        restart: { mode: 'on-failure', maxRestarts: 3, backoffMs: 10 },
      });
      await running.wait();
      expect(running.nodes().get('flaky/0')).toEqual({ state: 'stopped', restarts: 1 });
    });
  },
);

describe('restart policies', () => {
  it('restarts a node that ends cleanly under always', async () => {
    const program = new lp.Program('always');
    let runs = 0;
    program.addNode(
      new lp.FunctionNode(async () => {
        runs++;
        await Promise.resolve();
      }),
      'blink',
    );
    const running = lp.launch(program, {
      launchType: 'in-process',
      restart: { mode: 'always', maxRestarts: 3, backoffMs: 1 },
    });
    await running.wait();
    expect(runs).toBe(4);
    expect(running.nodes().get('blink/0')).toEqual({ state: 'stopped', restarts: 3 });
  });

  it('refuses a policy for a group that does not exist, and a bad mode', () => {
    const { program } = makeSupervisedProgram(1);
    expect(() =>
      lp.launch(program, { launchType: 'in-process', restart: { nope: { mode: 'always' } } }),
    ).toThrow(
      /restart\["nope"\] names no group or node of the program; known: consumer, consumer\/0, doubler, doubler\/0/,
    );
    expect(() =>
      lp.launch(program, {
        launchType: 'in-process',
        restart: { mode: 'sometimes' as lp.RestartMode },
      }),
    ).toThrow(/Expected restart\.mode to be one of never, on-failure, always, got "sometimes"/);
  });
});
