/**
 * The batching example, run as a user runs it, and its program launched from a test.
 */
import * as lp from 'launchpad-ts';
import { describe, expect, it } from 'vitest';
import { runScript } from '../helpers/scripts.ts';
import { makeProgram } from '../../examples/batching/program.ts';

describe.each(['in-process', 'processes'] as const)(
  'the batching example under %s',
  (launchType) => {
    it('checks every batched result in every client and exits 0', async () => {
      const { code, stdout, stderr } = await runScript('examples/batching/main.ts', [
        `--lp_launch_type=${launchType}`,
        '--num_clients=3',
      ]);
      expect(stderr).toBe('');
      expect(code).toBe(0);
      // Clients may be stopped by the first one to finish; at least that one reports.
      expect(stdout).toMatch(/client\/\d: 10 batched results checked/);
    });

    it('runs makeProgram() to completion when launched from a test', async () => {
      await using running = lp.launch(makeProgram(4), { launchType });
      // A client that got a wrong row throws, which fails the launch and rejects wait().
      await expect(running.wait()).resolves.toBeUndefined();
      const states = [...running.nodes()].map(([id, { state }]) => [id, state]);
      expect(states).toEqual([
        ['server/0', 'stopped'],
        ['client/0', 'stopped'],
        ['client/1', 'stopped'],
        ['client/2', 'stopped'],
        ['client/3', 'stopped'],
      ]);
    });
  },
);
