/**
 * A small seeded Ape-X DQN run under in-process: the greedy policy must improve within a
 * budget of learner steps (not of time); and the evaluator's result file, written once
 * when its run ends, not after each evaluation.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG, actorEpsilon } from '../../examples/apex_dqn/config.ts';
import { OUTPUT_FOLDER, RESULT_FILE, type Evaluation } from '../../examples/apex_dqn/evaluator.ts';
import { makeProgram } from '../../examples/apex_dqn/program.ts';
import { bestReturnWithin, curveLines, launchesInWorkdirs } from '../helpers/apex-runs.ts';
import { waitUntil } from '../helpers/wait-until.ts';

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

  it('writes result.json once, when the evaluator stops, with its last evaluation', async () => {
    // Evaluations every 20 ms and a target no policy reaches: the run goes on until stopped.
    const config = { ...DEFAULT_CONFIG, seed: 2, evalEveryMs: 20, targetReturn: 1_000 };
    const { program } = makeProgram(config);
    const { running, workdir } = await launch(
      program,
      { launchType: 'in-process' },
      'apex-dqn-result-',
    );
    const result = join(workdir, OUTPUT_FOLDER, RESULT_FILE);
    // Three evaluations in the curve (its header and three rows), and still no result:
    // replacing the file after each one blocked the evaluator on the disk.
    await waitUntil(() => {
      try {
        return curveLines(workdir).length >= 4;
      } catch {
        return false;
      }
    }, 'three evaluations in the curve');
    expect(existsSync(result)).toBe(false);
    await running.stop();
    const last = JSON.parse(readFileSync(result, 'utf8')) as Evaluation;
    const rows = curveLines(workdir).slice(1);
    expect(rows.length).toBeGreaterThanOrEqual(3);
    // The last row of the curve is the evaluation written.
    expect(rows.at(-1)?.split(',').at(-1)).toBe(String(last.meanReturn));
  }, 60_000);
});
