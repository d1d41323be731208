/**
 * A small seeded Ape-X DQN run under in-process: the greedy policy must improve within a
 * budget of learner steps (not of time).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as lp from 'launchpad-ts';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG, actorEpsilon } from '../../examples/apex_dqn/config.ts';
import { makeProgram } from '../../examples/apex_dqn/program.ts';

describe('apex_dqn', () => {
  let running: lp.RunningProgram | undefined;
  let workdir: string | undefined;
  afterEach(async () => {
    await running?.stop();
    running = undefined;
    if (workdir !== undefined) rmSync(workdir, { recursive: true, force: true });
  });

  it('spreads epsilons over actors as Ape-X does', () => {
    const config = { ...DEFAULT_CONFIG, numActors: 3 };
    expect(actorEpsilon(config, 0)).toBeCloseTo(0.4);
    expect(actorEpsilon(config, 2)).toBeCloseTo(0.4 ** 8);
    expect(actorEpsilon(config, 1)).toBeCloseTo(0.4 ** 4.5);
  });

  it('learns under in-process within 1,000 learner steps', async () => {
    const config = { ...DEFAULT_CONFIG, numActors: 2, seed: 3, evalEveryMs: 0, minReplay: 500 };
    const { program, learner, evaluator } = makeProgram(config);
    workdir = mkdtempSync(join(tmpdir(), 'apex-dqn-test-'));
    running = lp.launch(program, { launchType: 'in-process', workdir });
    await running.ready;
    const evaluate = running.client(evaluator);
    const before = await evaluate.evaluate();
    expect(before.learnerSteps).toBe(0);
    let best = 0;
    for (const budget of [500, 750, 1_000]) {
      await running.client(learner).waitForSteps(budget);
      best = Math.max(best, (await evaluate.evaluate()).meanReturn);
    }
    // An untrained greedy policy falls within about 10 steps; a learning one holds far longer.
    expect(before.meanReturn).toBeLessThan(40);
    expect(best).toBeGreaterThanOrEqual(150);
    const curve = readFileSync(join(workdir, 'apex_dqn', 'curve.csv'), 'utf8')
      .trim()
      .split('\n');
    expect(curve[0]).toBe('seconds,env_steps,learner_steps,mean_return');
    expect(curve).toHaveLength(5);
  }, 180_000);
});
