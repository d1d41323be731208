/**
 * The `launchpad_ts` package's own tests (`python -m unittest`), run with the test
 * interpreter so that `npm test` runs them too.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { TEST_PYTHON } from './python-interpreter.ts';

const PYTHON_ROOT = fileURLToPath(new URL('../../python/', import.meta.url));

describe('the launchpad_ts Python package', () => {
  it('passes its unittest suite', () => {
    const run = spawnSync(
      TEST_PYTHON,
      ['-B', '-m', 'unittest', 'discover', '-s', 'tests', '-t', '.'],
      { cwd: PYTHON_ROOT, encoding: 'utf8', timeout: 60_000 },
    );
    expect(run.status, run.stderr).toBe(0);
    expect(run.stderr).toMatch(/Ran \d+ tests/);
  });
});
