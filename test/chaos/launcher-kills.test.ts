/**
 * Chaos, the process part: the launcher SIGKILLed at seeded random points of its start
 * and its run. Whatever was running, no process of the launch is left 1 s later.
 */
import { describe, expect, it } from 'vitest';
import {
  childrenOf,
  MARKER_VARIABLE,
  markedProcesses,
  newMarker,
  pollFor,
} from '../helpers/processes.ts';
import { startScript } from '../helpers/scripts.ts';
import { chaosSeed, seededRandom } from '../helpers/seeded.ts';

const TRIALS = 3;
// From the moment the launcher has started its first child: the start, then the run.
const LATEST_KILL_MS = 3_000;

describe('a launcher SIGKILLed at random points', () => {
  it('leaves no process of its launch behind after 1 s', async () => {
    const seed = chaosSeed(1130);
    const random = seededRandom(seed);
    const results: string[] = [];
    for (let trial = 0; trial < TRIALS; trial++) {
      const delayMs = Math.floor(random() * LATEST_KILL_MS);
      const marker = newMarker();
      const run = startScript('test/fixtures/scripts/startup.ts', [], {
        [MARKER_VARIABLE]: marker,
      });
      const launcher = run.child.pid!;
      const started = await pollFor(() => childrenOf(launcher)[0], 50_000, 5);
      expect(started, 'the launcher started no process').toBeDefined();
      // The fault injection point, not a wait for an event.
      await new Promise((resolve) => setTimeout(resolve, delayMs));
      const running = markedProcesses(marker).length;
      run.child.kill('SIGKILL');
      await run.exited;
      const left = await pollFor(
        () => (markedProcesses(marker).length === 0 ? [] : undefined),
        1_000,
      );
      results.push(
        `kill at +${String(delayMs)} ms with ${String(running)} processes: ${String(markedProcesses(marker).length)} left`,
      );
      expect(
        left ?? markedProcesses(marker),
        `seed ${String(seed)}, trial ${String(trial)}`,
      ).toEqual([]);
    }
    console.log(`launcher kills (seed ${String(seed)}): ${results.join('; ')}`);
  }, 240_000);
});
