/**
 * What a node process carries besides its node: no watchdog thread where the kernel
 * already kills it with its launcher, and the watchdog where nothing else would.
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
    return await running.client(probe).workerThreads();
  } finally {
    await running.stop();
  }
}

describe('the parent watchdog of a node process', () => {
  // A tmux window's shell starts its node, so no parent-death signal is armed there, while
  // the processes launcher arms one through setpriv. A TypeScript loader may run a thread
  // of its own in both, hence the difference.
  it.skipIf(!hasSetpriv || (!hasTmux && process.env['CI'] === undefined))(
    'runs only where the kernel does not kill the node with its launcher',
    async () => {
      const killedByKernel = await workerThreadsOfNode({});
      const inTmux = await workerThreadsOfNode({ output: 'tmux', stderr: new PassThrough() });
      expect(inTmux - killedByKernel).toBe(1);
    },
  );
});
