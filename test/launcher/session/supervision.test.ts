/**
 * Supervision: restart policies, node states, and what happens to callers of a node
 * that died.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as lp from 'launchpad-ts';
import { describe, expect, it } from 'vitest';
import { blink, blinkUntil, runsOf } from '../../fixtures/in-process-nodes.ts';
import { PassThrough } from 'node:stream';
import { capture } from '../../helpers/capture.ts';
import { waitUntil } from '../../helpers/wait-until.ts';
import {
  failOnce,
  makeSupervisedProgram,
  ResourceProbe,
  type Doubler,
} from '../../fixtures/supervision.ts';

const COUNT = 60;
const expected = Array.from({ length: COUNT }, (_, i) => 2 * i);

/** Kills the doubler from outside: SIGKILL of its process, or a crash of its thread. */
async function killDoubler(running: lp.RunningProgram, doubler: lp.Handle<Doubler>): Promise<void> {
  const client = running.client(doubler);
  if (running.launchType === 'processes') process.kill(await client.pid(), 'SIGKILL');
  else await client.crash();
}

describe.each(['processes', 'threads'] as const)('under %s', (launchType) => {
  it('restarts a killed node under on-failure; its call in flight fails with UNAVAILABLE and is retried', async () => {
    const { program, doubler } = makeSupervisedProgram(COUNT);
    const running = lp.launch(program, {
      launchType,
      restart: { doubler: { mode: 'on-failure', maxRestarts: 2, backoffMs: 50 } },
    });
    await running.ready;
    // The consumer's call work(HOLD_AT) is in flight and held: kill the doubler under it.
    await running.client(doubler).held();
    await killDoubler(running, doubler);
    await running.wait();
    const { results, retries } = JSON.parse(
      readFileSync(join(running.workdir, 'results.json'), 'utf8'),
    ) as { results: number[]; retries: number };
    expect(results).toEqual(expected);
    // The call in flight rejected with UNAVAILABLE (anything else ends the consumer), the
    // consumer retried it once, and that retry waited for the restarted doubler.
    expect(retries).toBe(1);
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
    // Kill the second run only once it is up (a call to the first one could meet it dying).
    await waitUntil(() => {
      const status = running.nodes().get('doubler/0');
      return status?.state === 'running' && status.restarts === 1;
    }, 'doubler/0 to run again after its restart');
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
    program.addNode(new lp.FunctionNode(blink), 'blink');
    const running = lp.launch(program, {
      launchType: 'in-process',
      restart: { mode: 'always', maxRestarts: 3, backoffMs: 1 },
    });
    await running.wait();
    expect(runsOf.get('always')).toBe(4);
    expect(running.nodes().get('blink/0')).toEqual({ state: 'stopped', restarts: 3 });
  });

  it('doubles the backoff after each restart, up to maxBackoffMs', async () => {
    const program = new lp.Program('backoff');
    program.addNode(new lp.FunctionNode(blink), 'blink');
    const stderr = capture();
    const running = lp.launch(program, {
      launchType: 'in-process',
      stderr,
      restart: { mode: 'always', maxRestarts: 5, backoffMs: 2, maxBackoffMs: 10 },
    });
    await running.wait();
    const delays = [
      ...stderr.text().matchAll(/restarting it in (\d+) ms \(restart (\d) of 5 within 10 min\)/g),
    ];
    expect(delays.map((match) => [Number(match[2]), Number(match[1])])).toEqual([
      [1, 2],
      [2, 4],
      [3, 8],
      [4, 10],
      [5, 10],
    ]);
  });

  it('starts the backoff again from backoffMs after a healthy run (resetAfterMs)', async () => {
    const program = new lp.Program('backoff_reset');
    program.addNode(new lp.FunctionNode(blink), 'blink');
    const stderr = capture();
    // Every run counts as healthy (it lasted at least 0 ms): no delay ever doubles.
    const running = lp.launch(program, {
      launchType: 'in-process',
      stderr,
      restart: { mode: 'always', maxRestarts: 3, backoffMs: 2, maxBackoffMs: 10, resetAfterMs: 0 },
    });
    await running.wait();
    const delays = [...stderr.text().matchAll(/restarting it in (\d+) ms/g)];
    expect(delays.map((match) => Number(match[1]))).toEqual([2, 2, 2]);
  });

  it('counts restarts against maxRestarts only within windowMs', async () => {
    const program = new lp.Program('window');
    // A window of 0 ms holds no restart: the node restarts until its 6th run stops the program.
    program.addNode(new lp.FunctionNode(blinkUntil, 6), 'blink');
    const running = lp.launch(program, {
      launchType: 'in-process',
      restart: { mode: 'always', maxRestarts: 1, backoffMs: 1, windowMs: 0 },
    });
    await running.wait();
    expect(runsOf.get('window')).toBe(6);
    expect(running.nodes().get('blink/0')?.restarts).toBe(5);
  });

  it('reports starting, running, restarting and stopped as a node goes through them', async () => {
    const program = new lp.Program('states');
    const probe = program.addNode(new lp.ServiceNode(ResourceProbe), 'probe');
    program.addNode(new lp.FunctionNode(failOnce), 'flaky');
    const stderr = capture();
    const running = lp.launch(program, {
      launchType: 'in-process',
      stderr,
      // A restart far later than the test: flaky/0 stays restarting until the stop.
      restart: { flaky: { mode: 'on-failure', backoffMs: 600_000, maxBackoffMs: 600_000 } },
    });
    try {
      // Nothing has registered yet: launch() returns before any node is up.
      expect(running.nodes().get('probe/0')).toEqual({ state: 'starting', restarts: 0 });
      expect(running.nodes().get('flaky/0')).toEqual({ state: 'starting', restarts: 0 });
      // The supervisor marks the node restarting right after saying so.
      await stderr.waitFor(/node flaky\/0 failed .*; restarting it in 600000 ms/);
      expect(running.nodes().get('flaky/0')).toEqual({ state: 'restarting', restarts: 1 });
      await running.client(probe).cwd();
      expect(running.nodes().get('probe/0')).toEqual({ state: 'running', restarts: 0 });
    } finally {
      await running.stop();
    }
    await running.wait();
    expect(running.nodes().get('flaky/0')).toEqual({ state: 'stopped', restarts: 1 });
    expect(running.nodes().get('probe/0')).toEqual({ state: 'stopped', restarts: 0 });
  });

  it('refuses a policy for a group that does not exist, and a bad mode', () => {
    const { program } = makeSupervisedProgram(1);
    expect(() =>
      lp.launch(program, { launchType: 'in-process', restart: { nope: { mode: 'always' } } }),
    ).toThrow(
      /^Launch option restart\["nope"\] names no group or node of the program; known: consumer, consumer\/0, doubler, doubler\/0/,
    );
    expect(() =>
      lp.launch(program, {
        launchType: 'in-process',
        restart: { mode: 'sometimes' as lp.RestartMode },
      }),
    ).toThrow(
      'Launch option restart.mode must be one of "never", "on-failure", "always", got "sometimes".',
    );
  });
});
