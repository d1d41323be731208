/**
 * The command line of the Ape-X DQN examples, shared by `examples/apex_dqn/main.ts` and
 * `examples/apex_dqn_torch/main.ts`: the flags that set the config, and the final JSON
 * line read from the evaluator's last result.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import * as lp from 'launchpad-ts';
import { DEFAULT_CONFIG, type ApexConfig } from './config.ts';
import { OUTPUT_FOLDER, RESULT_FILE, type Evaluation } from './evaluator.ts';

function integer(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 0) {
    throw new Error(`--${name} must be a non-negative integer, got "${value}"`);
  }
  return parsed;
}

/**
 * The config from the program's own flags (`lp.userArgs()` leaves out the launcher's
 * `--lp_*` flags): `--num_actors`, `--seed`, `--samples_per_insert`, `--eval_every_ms`,
 * `--target_return`, `--learner_niceness`; the rest from {@link DEFAULT_CONFIG}.
 */
export function configFromArgs(args: string[] = lp.userArgs()): ApexConfig {
  const { values } = parseArgs({
    args,
    options: {
      num_actors: { type: 'string' },
      seed: { type: 'string' },
      samples_per_insert: { type: 'string' },
      eval_every_ms: { type: 'string' },
      target_return: { type: 'string' },
      learner_niceness: { type: 'string' },
    },
  });
  // Each flag is an integer, its default that of DEFAULT_CONFIG.
  const flag = (name: keyof typeof values, fallback: number): number => {
    const value = values[name];
    return integer(name, typeof value === 'string' ? value : undefined, fallback);
  };
  const config: ApexConfig = {
    ...DEFAULT_CONFIG,
    numActors: flag('num_actors', DEFAULT_CONFIG.numActors),
    seed: flag('seed', DEFAULT_CONFIG.seed),
    samplesPerInsert: flag('samples_per_insert', DEFAULT_CONFIG.samplesPerInsert),
    evalEveryMs: flag('eval_every_ms', DEFAULT_CONFIG.evalEveryMs),
    targetReturn: flag('target_return', DEFAULT_CONFIG.targetReturn),
    learnerNiceness: flag('learner_niceness', DEFAULT_CONFIG.learnerNiceness),
  };
  if (config.learnerNiceness > 19) {
    throw new Error(`--learner_niceness must be from 0 to 19, got ${config.learnerNiceness}`);
  }
  return config;
}

/**
 * Launches `program`, waits for it to end (solved, time limit, Ctrl-C), and prints where
 * the curve is, then one JSON line with the last evaluation: score, whether it reached
 * the target, env and learner steps, and the seconds since the launch began.
 */
export async function launchAndReport(
  program: lp.Program,
  config: ApexConfig,
  options: lp.LaunchOptions = {},
): Promise<void> {
  const started = performance.now();
  const running = lp.launch(program, options);
  await running.wait();
  let last: Evaluation | undefined;
  try {
    last = JSON.parse(
      readFileSync(join(running.workdir, OUTPUT_FOLDER, RESULT_FILE), 'utf8'),
    ) as Evaluation;
  } catch {
    // No evaluation finished (a very short time limit): the summary says so with nulls.
  }
  console.log(`Learning curve: ${join(running.workdir, OUTPUT_FOLDER, 'curve.csv')}`);
  console.log(
    JSON.stringify({
      score: last?.meanReturn ?? null,
      solved: last !== undefined && last.meanReturn >= config.targetReturn,
      steps: last?.envSteps ?? null,
      learnerSteps: last?.learnerSteps ?? null,
      seconds: Number(((performance.now() - started) / 1000).toFixed(1)),
      actors: config.numActors,
      launchType: running.launchType,
    }),
  );
}
