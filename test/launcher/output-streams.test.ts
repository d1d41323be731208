/**
 * Everything the launcher says goes to the launch's `stdout`/`stderr` options when they
 * are given, never straight to the process's own streams.
 */
import * as lp from 'launchpad-ts';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { capture } from '../helpers/capture.ts';
import { failingMain } from '../fixtures/services.ts';

afterEach(() => {
  vi.restoreAllMocks();
});

function launcherLines(spy: { mock: { calls: unknown[][] } }): string[] {
  return spy.mock.calls
    .map(([chunk]) => String(chunk))
    .filter((text) => text.includes('launchpad-ts'));
}

describe('the stderr option', () => {
  it("receives the lifecycle's failure message, and process.stderr does not", async () => {
    const stderr = capture();
    const stdout = capture();
    const processStderr = vi.spyOn(process.stderr, 'write');
    const processStdout = vi.spyOn(process.stdout, 'write');
    const program = new lp.Program('streams');
    program.addNode(new lp.FunctionNode(failingMain, 'on purpose'), 'failing');
    const running = lp.launch(program, { launchType: 'in-process', stderr, stdout });
    try {
      await expect(running.wait()).rejects.toThrow(/Node failing\/0 failed/);
    } finally {
      await running.stop();
    }
    expect(stderr.text()).toContain(
      'launchpad-ts: node failing/0 of streams failed; stopping the program.',
    );
    expect(launcherLines(processStderr)).toEqual([]);
    expect(launcherLines(processStdout)).toEqual([]);
  });
});
