/**
 * Ape-X DQN with the PyTorch learner (`examples/apex_dqn_torch`): the learner's arithmetic
 * checked by its own unittest, and a small seeded run in which the TypeScript actors,
 * replay and evaluator train through the Python learner: the greedy policy must improve
 * within a budget of learner steps (not of time). Needs an interpreter with torch
 * (Debian: python3-torch), `TORCH_PYTHON` or `/usr/bin/python3`.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as lp from 'launchpad-ts';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../../examples/apex_dqn/config.ts';
import { makeProgram } from '../../examples/apex_dqn_torch/program.ts';

const PYTHON = process.env['TORCH_PYTHON'] ?? '/usr/bin/python3';
const EXAMPLE_DIR = fileURLToPath(new URL('../../examples/apex_dqn_torch', import.meta.url));

describe('apex_dqn_torch', () => {
  let running: lp.RunningProgram | undefined;
  let workdir: string | undefined;
  afterEach(async () => {
    await running?.stop();
    running = undefined;
    if (workdir !== undefined) rmSync(workdir, { recursive: true, force: true });
  });

  it('passes its Python checks (targets, loss, parameter layout)', () => {
    const result = spawnSync(PYTHON, ['-m', 'unittest', 'discover', '-s', EXAMPLE_DIR], {
      encoding: 'utf8',
      // No bytecode cache left in the examples folder.
      env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1' },
      timeout: 60_000,
    });
    expect(result.status, `${result.stdout}\n${result.stderr}`).toBe(0);
    expect(result.stderr).toMatch(/Ran \d+ tests/);
  }, 90_000);

  it('learns through the Python learner within 2,000 learner steps', async () => {
    const config = { ...DEFAULT_CONFIG, numActors: 2, seed: 3, evalEveryMs: 0, minReplay: 500 };
    const { program, learner, evaluator } = makeProgram(config);
    workdir = mkdtempSync(join(tmpdir(), 'apex-dqn-torch-test-'));
    running = lp.launch(program, { launchType: 'in-process', workdir, python: PYTHON });
    await running.ready;
    const evaluate = running.client(evaluator);
    const before = await evaluate.evaluate();
    expect(before.learnerSteps).toBe(0);
    let best = 0;
    for (const budget of [500, 1_000, 1_500, 2_000]) {
      await running.client(learner).waitForSteps(budget);
      best = Math.max(best, (await evaluate.evaluate()).meanReturn);
    }
    // An untrained greedy policy falls within about 10 steps; a learning one holds far
    // longer. In 12 runs on the loaded machine the best of these evaluations was 146 to
    // 450 (some runs stay near 150 for thousands of steps before they climb): 100 keeps a
    // margin and still says the policy learned.
    expect(before.meanReturn).toBeLessThan(40);
    expect(best).toBeGreaterThanOrEqual(100);
    const curve = readFileSync(join(workdir, 'apex_dqn', 'curve.csv'), 'utf8')
      .trim()
      .split('\n');
    expect(curve[0]).toBe('seconds,env_steps,learner_steps,mean_return');
    expect(curve).toHaveLength(6);
  }, 180_000);
});
