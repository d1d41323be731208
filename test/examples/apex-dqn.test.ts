/**
 * A small seeded Ape-X DQN run under in-process: the greedy policy must improve within a
 * budget of learner steps (not of time).
 */
import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG, actorEpsilon } from '../../examples/apex_dqn/config.ts';
import { makeProgram } from '../../examples/apex_dqn/program.ts';
import { bestReturnWithin, curveLines, launchesInWorkdirs } from '../helpers/apex-runs.ts';

describe('apex_dqn', () => {
  const launch = launchesInWorkdirs();

  it('spreads epsilons over actors as Ape-X does', () => {
    const config = { ...DEFAULT_CONFIG, numActors: 3 };
    expect(actorEpsilon(config, 0)).toBeCloseTo(0.4);
    expect(actorEpsilon(config, 2)).toBeCloseTo(0.4 ** 8);
    expect(actorEpsilon(config, 1)).toBeCloseTo(0.4 ** 4.5);
  });

  it('learns under in-process within 1,000 learner steps', async () => {
    const config = { ...DEFAULT_CONFIG, numActors: 2, seed: 3, evalEveryMs: 0, minReplay: 500 };
    const { program, learner, evaluator } = makeProgram(config);
    const { running, workdir } = await launch(
      program,
      { launchType: 'in-process' },
      'apex-dqn-test-',
    );
    const { before, best } = await bestReturnWithin(
      running,
      { learner, evaluator },
      [500, 750, 1_000],
    );
    expect(before.learnerSteps).toBe(0);
    // An untrained greedy policy falls within about 10 steps; a learning one holds far longer.
    expect(before.meanReturn).toBeLessThan(40);
    expect(best).toBeGreaterThanOrEqual(150);
    const curve = curveLines(workdir);
    expect(curve[0]).toBe('seconds,env_steps,learner_steps,mean_return');
    expect(curve).toHaveLength(5);
  }, 180_000);
});
