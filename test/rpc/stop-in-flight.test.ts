/**
 * A program stopped with calls in flight, from the launcher and from a node, stops
 * cleanly: each call rejects with CANCELLED saying the program is stopping, and none
 * becomes an unhandled rejection that would bring the launcher down.
 */
import { describe, expect, it } from 'vitest';
import { runScript } from '../helpers/scripts.ts';

describe('stopping with calls in flight', () => {
  it.each(['in-process', 'processes'])(
    'under %s: calls reject with CANCELLED and the launcher exits 0',
    async (launchType) => {
      const { code, stdout, stderr } = await runScript('test/fixtures/scripts/stop-in-flight.ts', [
        launchType,
      ]);
      expect(stderr).not.toMatch(/unhandled|UNAVAILABLE/i);
      expect(code).toBe(0);
      expect(stdout).toContain('launcher: clean exit');
      expect(stdout).toMatch(
        /launcher saw CANCELLED: .*sink\/0\.insert\(\).*the program is stopping/,
      );
      expect(stdout).toMatch(/node saw CANCELLED: .*sink\/0\.insert\(\).*the program is stopping/);
    },
    // Two launches of a script; on a loaded machine each takes a while to start.
    120_000,
  );
});
