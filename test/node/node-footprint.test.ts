/**
 * What a node carries besides its node: no watchdog thread where the kernel already kills
 * its process with its launcher, and where nothing else would, the watchdog as its
 * diagnostics thread, not a thread more; and a node thread's young generation as small
 * as its `--max-semi-space-size` asks.
 */
import { spawnSync } from 'node:child_process';
import { PassThrough } from 'node:stream';
import * as lp from 'launchpad-ts';
import { describe, expect, it } from 'vitest';
import { ResourceProbe } from '../fixtures/supervision.ts';

const hasSetpriv = process.platform === 'linux' && spawnSync('setpriv', ['--help']).status === 0;
const hasTmux = spawnSync('tmux', ['-V']).status === 0;

/** The worker threads of the probe's node process, started with `options`. */
async function workerThreadsOfNode(options: lp.LaunchOptions): Promise<number> {
  const program = new lp.Program('footprint_probe');
  const probe = program.addNode(new lp.ServiceNode(ResourceProbe), 'probe');
  const running = lp.launch(program, { launchType: 'processes', ...options });
  try {
    // A node starts its diagnostics thread just after it registers; a stack dump of the
    // running node waits for that thread, so the count below never races its start.
    await running.ready;
    await running.stackDump('probe/0');
    return await running.client(probe).workerThreads();
  } finally {
    await running.stop();
  }
}

describe('the parent watchdog of a node process', () => {
  // A tmux window's shell starts its node, so no parent-death signal is armed there, while
  // the processes launcher arms one through setpriv. There the watchdog, which only such a
  // node runs, is its diagnostics thread too: no more threads than where the kernel kills
  // the node. A TypeScript loader may run a thread of its own in both.
  it.skipIf(!hasSetpriv || (!hasTmux && process.env['CI'] === undefined))(
    'is the diagnostics thread where the kernel does not kill the node with its launcher',
    async () => {
      const killedByKernel = await workerThreadsOfNode({});
      const inTmux = await workerThreadsOfNode({ output: 'tmux', stderr: new PassThrough() });
      expect(inTmux).toBe(killedByKernel);
    },
  );
});

describe('the young generation of a node thread', () => {
  it('follows --max-semi-space-size (two semi-spaces and a large-object space)', async () => {
    const program = new lp.Program('young_generation');
    const plain = program.addNode(new lp.ServiceNode(ResourceProbe), 'plain');
    const flagged = program.addNode(new lp.ServiceNode(ResourceProbe), 'flagged');
    const running = lp.launch(program, {
      launchType: 'threads',
      resources: { flagged: { nodeFlags: ['--max-semi-space-size=4'] } },
    });
    try {
      expect(await running.client(flagged).youngGenerationLimitMb()).toBe(12);
      // Without the flag, V8's default (16 MB semi-spaces on a 64-bit machine).
      expect(await running.client(plain).youngGenerationLimitMb()).toBeGreaterThan(12);
    } finally {
      await running.stop();
    }
  });

  it('still refuses a flag that cannot apply to one thread, naming the flags that can', () => {
    const program = new lp.Program('young_generation');
    program.addNode(new lp.ServiceNode(ResourceProbe), 'probe');
    expect(() =>
      lp.launch(program, {
        launchType: 'threads',
        resources: { probe: { nodeFlags: ['--max-semi-space-size=4', '--jitless'] } },
      }),
    ).toThrow(
      /Node probe\/0: Node flag --jitless cannot apply to one worker thread; under threads only --max-old-space-size=<MB> and --max-semi-space-size=<MB> are supported/,
    );
  });
});
