/**
 * The learning examples run as a user runs them (`tsx examples/X/main.ts`) under every
 * local launch type, and end with their JSON report. parameter_server is left to its
 * in-process test: each of its node processes parses the 21 MB data set.
 */
import { describe, expect, it } from 'vitest';
import { LOCAL_LAUNCH_TYPES } from '../helpers/launch-types.ts';
import { runScript } from '../helpers/scripts.ts';

/** The last line of `stdout`, parsed as the example's JSON report. */
function finalReport(stdout: string): Record<string, unknown> {
  const last = stdout.trimEnd().split('\n').at(-1) ?? '';
  return JSON.parse(last) as Record<string, unknown>;
}

// Starting several node processes takes a while on a busy two-core machine.
const SCRIPT_TIMEOUT_MS = 180_000;

describe.each(LOCAL_LAUNCH_TYPES)('learning examples under %s', (launchType) => {
  const flag = `--lp_launch_type=${launchType}`;

  it(
    'mapreduce counts the corpus exactly as one process does',
    async () => {
      const { code, stdout, stderr } = await runScript('examples/mapreduce/main.ts', [
        flag,
        '--num_mappers=2',
        '--num_reducers=2',
      ]);
      expect(code, stderr).toBe(0);
      const report = finalReport(stdout);
      expect(report).toMatchObject({ example: 'mapreduce', score: 1, exact: true, steps: 8 });
      expect(report['launchType']).toBe(launchType);
    },
    SCRIPT_TIMEOUT_MS,
  );

  it(
    'evolution_strategies reaches a mean return of 500 within 40 generations',
    async () => {
      const { code, stdout, stderr } = await runScript('examples/evolution_strategies/main.ts', [
        flag,
        '--pairs=8',
        '--generations=40',
      ]);
      expect(code, stderr).toBe(0);
      const report = finalReport(stdout);
      expect(report).toMatchObject({ example: 'evolution_strategies', score: 500 });
      expect(report['generations']).toBeLessThanOrEqual(40);
      expect(typeof report['seconds']).toBe('number');
    },
    SCRIPT_TIMEOUT_MS,
  );
});
