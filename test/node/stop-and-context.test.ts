/**
 * Promises about stopping and node context that hold in one process: a stop handler that
 * throws does not keep the others from running, an in-process node that ignores the stop
 * is abandoned after the grace period, two programs at once keep their own contexts and
 * stop signals, and a handle's options reach the node it is passed to.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as lp from 'launchpad-ts';
import { describe, expect, it } from 'vitest';
import { deaf, stopWithHandlers } from '../fixtures/in-process-nodes.ts';
import { capture } from '../helpers/capture.ts';
import { Echo } from '../fixtures/services.ts';

/** Reports its context and whether its program is stopping. */
export class ContextProbe {
  /** The node context. */
  whoAmI(): lp.NodeContext {
    return lp.context();
  }
  /** Whether this node's stop signal fired. */
  stopping(): boolean {
    return lp.stopSignal().aborted;
  }
}

describe('stop handlers', () => {
  it('run every one even when one throws, and the program stops cleanly', async () => {
    const program = new lp.Program('throwing_handler');
    program.addNode(new lp.FunctionNode(stopWithHandlers), 'stopper');
    const running = lp.launch(program, { launchType: 'in-process' });
    await expect(running.wait()).resolves.toBeUndefined();
    expect(existsSync(join(running.workdir, 'second-handler-ran'))).toBe(true);
    expect(running.nodes().get('stopper/0')).toEqual({ state: 'stopped', restarts: 0 });
  });
});

describe('an in-process node that ignores the stop', () => {
  it('is abandoned after the grace period, and the stop completes', async () => {
    const program = new lp.Program('ignores_stop');
    program.addNode(new lp.FunctionNode(deaf), 'deaf');
    const stderr = capture();
    const running = lp.launch(program, {
      launchType: 'in-process',
      stderr,
      terminationGraceMs: 50,
    });
    await running.ready;
    await running.stop();
    expect(stderr.text()).toContain('killing nodes that did not stop within 50 ms: deaf/0');
    // The node was given up on, not waited for: the stop returned and the program ended.
    await expect(running.wait()).resolves.toBeUndefined();
    expect(running.nodes().get('deaf/0')?.state).toBe('stopped');
  });
});

describe('two programs running at once in one process', () => {
  it('keep their own contexts and stop signals', async () => {
    const launchProbe = (
      name: string,
    ): { running: lp.RunningProgram; probe: lp.Client<ContextProbe> } => {
      const program = new lp.Program(name);
      const handle = program.addNode(new lp.ServiceNode(ContextProbe), 'probe');
      const running = lp.launch(program, { launchType: 'in-process' });
      return { running, probe: running.client(handle) };
    };
    const first = launchProbe('first');
    const second = launchProbe('second');
    try {
      const [one, two] = await Promise.all([first.probe.whoAmI(), second.probe.whoAmI()]);
      expect([one.programName, one.nodeId, one.workdir]).toEqual([
        'first',
        'probe/0',
        first.running.workdir,
      ]);
      expect([two.programName, two.nodeId, two.workdir]).toEqual([
        'second',
        'probe/0',
        second.running.workdir,
      ]);
      expect(one.workdir).not.toBe(two.workdir);
      await first.running.stop();
      expect(await second.probe.stopping()).toBe(false);
      expect(second.running.stopping).toBe(false);
    } finally {
      await Promise.all([first.running.stop(), second.running.stop()]);
    }
  });
});

/** Calls slow(2 s) through the client it was given, and writes down how that ended. */
export async function callThroughHandle(echo: lp.Client<Echo>): Promise<void> {
  await lp.withOptions(echo, { timeoutMs: 60_000 }).add(1, 1); // connected first
  const outcome = await echo.slow(2_000).then(
    () => 'answered',
    (error: unknown) => (lp.isLaunchpadError(error) ? error.code : String(error)),
  );
  writeFileSync(join(lp.context().workdir, 'outcome'), outcome);
  lp.stop();
}

describe('handle.withOptions() passed into a node', () => {
  it('gives the node a client with those options', async () => {
    const program = new lp.Program('handle_options');
    const echo = program.addNode(new lp.ServiceNode(Echo), 'echo');
    program.addNode(
      new lp.FunctionNode(callThroughHandle, echo.withOptions({ timeoutMs: 50 })),
      'caller',
    );
    const running = lp.launch(program, { launchType: 'in-process' });
    await running.wait();
    expect(readFileSync(join(running.workdir, 'outcome'), 'utf8')).toBe('DEADLINE_EXCEEDED');
  });
});
