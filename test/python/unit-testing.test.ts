/**
 * Unit-testing a Python node class without a launch, as docs/python.md tells a user to:
 * `launchpad-ts python-path` prints the folder to put on `PYTHONPATH`, and there
 * `import launchpad_ts` works outside a launch (`stop_requested()` false, `context()` a
 * clear error, `stop()` ends a `run()` loop), so the user's own unittest passes.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.ts';
import { TEST_PYTHON } from './python-interpreter.ts';

const NODE_CLASS = `
import launchpad_ts as lp

class Counter:
    def __init__(self, start):
        self.value = start

    def add(self, amount):
        self.value += amount
        return self.value

    def run(self):
        while not lp.stop_requested():
            lp.wait_for_stop(0.01)
        self.value = -1
`;

const USER_TEST = `
import threading
import unittest

import launchpad_ts as lp
from counter import Counter


class CounterTest(unittest.TestCase):
    def test_a_method_is_a_plain_call(self):
        self.assertFalse(lp.stop_requested())
        self.assertEqual(Counter(1).add(2), 3)

    def test_context_says_it_needs_a_launch(self):
        with self.assertRaises(lp.LaunchpadError) as caught:
            lp.context()
        self.assertEqual(caught.exception.code, "FAILED_PRECONDITION")
        self.assertIn("not started by a launch", str(caught.exception))

    def test_stop_ends_run(self):
        counter = Counter(0)
        thread = threading.Thread(target=counter.run)
        thread.start()
        lp.stop()
        thread.join(10)
        self.assertFalse(thread.is_alive())
        self.assertEqual(counter.value, -1)
`;

let directory: string | undefined;
afterEach(() => {
  if (directory !== undefined) rmSync(directory, { recursive: true, force: true });
  directory = undefined;
});

describe('a Python node class under its own unit tests', () => {
  it('imports launchpad_ts from the folder launchpad-ts python-path prints, outside any launch', async () => {
    const printed = await runCli(['python-path']);
    expect(printed.code, printed.stderr).toBe(0);
    const folder = printed.stdout.trim();
    expect(folder).toMatch(/\/python$/);
    directory = mkdtempSync(join(tmpdir(), 'lp-py-unit-'));
    writeFileSync(join(directory, 'counter.py'), NODE_CLASS);
    writeFileSync(join(directory, 'test_counter.py'), USER_TEST);
    const run = spawnSync(TEST_PYTHON, ['-B', '-m', 'unittest', '-v', 'test_counter'], {
      cwd: directory,
      env: { ...process.env, PYTHONPATH: folder },
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(run.status, run.stderr).toBe(0);
    expect(run.stderr).toMatch(/Ran 3 tests/);
  });
});
