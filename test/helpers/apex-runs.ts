/**
 * @module
 * What the Ape-X DQN example tests share: launches that each get a fresh workdir, stopped
 * and removed after each test, and the learning check of a seeded run (the greedy policy's
 * best return at given budgets of learner steps, and the curve the evaluator wrote).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as lp from 'launchpad-ts';
import { afterEach } from 'vitest';
import type { Evaluation, Evaluator } from '../../examples/apex_dqn/evaluator.ts';
import type { LearnerApi } from '../../examples/apex_dqn/learner-api.ts';

/** A launched program and the workdir it runs in. */
export interface WorkdirRun {
  readonly running: lp.RunningProgram;
  readonly workdir: string;
}

/** Launches `program` in a fresh workdir named after `prefix` and waits until it is ready. */
export type LaunchInWorkdir = (
  program: lp.Program,
  options: lp.LaunchOptions,
  prefix: string,
) => Promise<WorkdirRun>;

/**
 * Launches in fresh workdirs; call it in a `describe`: after each of its tests, the launch
 * is stopped and its workdir removed, even when the test failed.
 */
export function launchesInWorkdirs(): LaunchInWorkdir {
  let running: lp.RunningProgram | undefined;
  let workdir: string | undefined;
  afterEach(async () => {
    await running?.stop();
    running = undefined;
    if (workdir !== undefined) rmSync(workdir, { recursive: true, force: true });
  });
  return async (program, options, prefix) => {
    const dir = mkdtempSync(join(tmpdir(), prefix));
    workdir = dir;
    const launched = lp.launch(program, { ...options, workdir: dir });
    running = launched;
    await launched.ready;
    return { running: launched, workdir: dir };
  };
}

/**
 * Evaluates the greedy policy before training and once each learner step budget is
 * reached; resolves with the first evaluation and the best mean return after it.
 */
export async function bestReturnWithin(
  running: lp.RunningProgram,
  handles: { learner: lp.Handle<LearnerApi>; evaluator: lp.Handle<Evaluator> },
  budgets: readonly number[],
): Promise<{ before: Evaluation; best: number }> {
  const evaluate = running.client(handles.evaluator);
  const before = await evaluate.evaluate();
  let best = 0;
  for (const budget of budgets) {
    await running.client(handles.learner).waitForSteps(budget);
    best = Math.max(best, (await evaluate.evaluate()).meanReturn);
  }
  return { before, best };
}

/** The lines of the learning curve the evaluator wrote in `workdir`. */
export function curveLines(workdir: string): string[] {
  return readFileSync(join(workdir, 'apex_dqn', 'curve.csv'), 'utf8')
    .trim()
    .split('\n');
}
