/**
 * No node outlives its launcher, from the first instant: a launcher SIGKILLed while its
 * node processes (and a colocation host's) are still starting leaves none behind.
 */
import { describe, expect, it } from 'vitest';
import { startScript } from '../helpers/scripts.ts';
import {
  childrenOf,
  MARKER_VARIABLE,
  markedProcesses,
  newMarker,
  pollFor,
} from '../helpers/processes.ts';

const NODE_ENTRY = /child-entry|colocation-entry/;

describe('a launcher killed during the start', () => {
  // Fault injection points after the first node process appears, not waits for events.
  it.each([0, 50, 100, 150])(
    'leaves no node process behind when killed %i ms after its first node process appears',
    async (delayMs) => {
      const marker = newMarker();
      const run = startScript('test/fixtures/scripts/startup.ts', [], {
        [MARKER_VARIABLE]: marker,
      });
      const launcher = run.child.pid!;
      const first = await pollFor(
        () => childrenOf(launcher).find(({ cmdline }) => NODE_ENTRY.test(cmdline)),
        50_000,
        5,
      );
      expect(first, 'no node process appeared').toBeDefined();
      await new Promise((resolve) => setTimeout(resolve, delayMs));
      run.child.kill('SIGKILL');
      await run.exited;
      const left = await pollFor(
        () => (markedProcesses(marker).length === 0 ? [] : undefined),
        1_000,
      );
      expect(left ?? markedProcesses(marker)).toEqual([]);
    },
    // Each trial starts a launcher and its nodes, which takes long on a loaded machine.
    150_000,
  );
});
