/**
 * A stop asked for is a clean stop: nodes that fail because of it (a cancelled call let
 * escape, code that throws on its stop signal) do not make `wait()` reject, each is said
 * on standard error, and a cancellation caused by the stop is no death cause.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as lp from 'launchpad-ts';
import { describe, expect, it } from 'vitest';
import { capture } from '../../helpers/capture.ts';
import { LOCAL_LAUNCH_TYPES } from '../../helpers/launch-types.ts';
import { waitUntil } from '../../helpers/wait-until.ts';
import { cleanStopProgram } from '../../fixtures/clean-stop.ts';

describe.each(LOCAL_LAUNCH_TYPES)('a clean stop under %s', (launchType) => {
  it('resolves wait() although nodes fail while stopping, and reports those failures', async () => {
    const { program, ps } = cleanStopProgram();
    const stderr = capture();
    const running = lp.launch(program, {
      launchType,
      restart: { mode: 'on-failure', maxRestarts: 5 },
      stderr,
    });
    try {
      await running.ready;
      // Both workers have a pull in flight: the stop cancels them.
      await waitUntil(async () => (await running.client(ps).pulls()) >= 2, 'both pulls');
      await running.stop();
      await expect(running.wait()).resolves.toBeUndefined();
      const nodes = running.nodes();
      // The cancelled workers stopped; the thrower failed, and that was said.
      expect(nodes.get('worker/0')?.state).toBe('stopped');
      expect(nodes.get('worker/1')?.state).toBe('stopped');
      expect(nodes.get('late/0')?.state).toBe('stopped');
      // Each error of the stop let escape was said too, under every launch type.
      for (const id of ['worker/0', 'worker/1', 'late/0']) {
        expect(stderr.text()).toContain(
          `node ${id} of clean_stop let an error of the stop escape (not a failure of the program): `,
        );
      }
      expect(nodes.get('thrower/0')?.state).toBe('failed');
      expect(stderr.text()).toMatch(
        /node thrower\/0 of clean_stop failed while the program was stopping \(not a failure of the program\): .*gives up/,
      );
      expect(stderr.text()).not.toContain('stopping the program.');
      // No death cause for a cancellation caused by the stop.
      const metrics = running.metrics();
      for (const id of ['worker/0', 'worker/1', 'late/0', 'ps/0']) {
        expect(metrics.nodes.find((node) => node.nodeId === id)?.deathCause).toBeUndefined();
      }
      // Nor in the dashboard's history, which a reopened dashboard shows: only the thrower
      // has a failure, and the launch ended stopped, not failed.
      const file = join(running.workdir, 'history', 'events.jsonl');
      const read = (): { kind: string; nodeId?: string; outcome?: string }[] =>
        existsSync(file)
          ? readFileSync(file, 'utf8')
              .trim()
              .split('\n')
              .map(
                (line) => JSON.parse(line) as { kind: string; nodeId?: string; outcome?: string },
              )
          : [];
      // The history is written as the launch ends, a moment after wait() resolves.
      await waitUntil(() => read().some((event) => event.kind === 'launch'), 'the launch event');
      const events = read();
      const failed = events.filter((event) => event.kind === 'failure').map((e) => e.nodeId);
      expect([...new Set(failed)]).toEqual(['thrower/0']);
      expect(events.find((event) => event.kind === 'launch')?.outcome).toBe('stopped');
    } finally {
      await running.stop();
    }
  }, 60_000);
});
