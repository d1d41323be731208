/**
 * A colocated node that fails under the default policy (`never`) names itself in the
 * program's failure, and nothing of its colocation is left: not its host, not its sibling.
 */
import * as lp from 'launchpad-ts';
import { afterEach, describe, expect, it } from 'vitest';
import { failsAtOnce, idle } from '../../fixtures/hardening.ts';
import { MARKER_VARIABLE, markedProcesses, newMarker, pollFor } from '../../helpers/processes.ts';

const previousMarker = process.env[MARKER_VARIABLE];
afterEach(() => {
  if (previousMarker === undefined) Reflect.deleteProperty(process.env, MARKER_VARIABLE);
  else process.env[MARKER_VARIABLE] = previousMarker;
});

describe('a colocated node that fails under never', () => {
  it('names itself, and its host and its sibling are gone when wait() rejects', async () => {
    // Every process this launch starts inherits the marker; this process started without it.
    const marker = newMarker();
    process.env[MARKER_VARIABLE] = marker;
    const program = new lp.Program('colocated_failure');
    program.addNode(
      new lp.ProcessColocation([new lp.FunctionNode(failsAtOnce), new lp.FunctionNode(idle)]),
      'hosted',
    );
    const running = lp.launch(program, { launchType: 'processes', terminationGraceMs: 2_000 });
    try {
      await expect(running.wait()).rejects.toThrow(
        /Node hosted\/0 failed: .*colocated boom from hosted\/0/,
      );
      expect(running.nodes().get('hosted/0')?.state).toBe('failed');
      expect(running.nodes().get('hosted/1')?.state).toBe('stopped');
      const left = await pollFor(() => {
        const marked = markedProcesses(marker);
        return marked.length === 0 ? marked : undefined;
      }, 5_000);
      expect(left ?? markedProcesses(marker)).toEqual([]);
    } finally {
      await running.stop();
    }
  });
});
