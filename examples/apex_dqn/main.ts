/**
 * Runs Ape-X DQN on CartPole-v1 until the greedy policy's mean return over 10 episodes
 * reaches 475: `npx tsx examples/apex_dqn/main.ts [--num_actors=2] [--seed=1]
 * [--samples_per_insert=8] [--learner_niceness=0] [--lp_launch_type=processes]
 * [--lp_time_limit=300]`.
 * The learning curve goes to `<workdir>/apex_dqn/curve.csv`; the last line printed is a
 * JSON object with the final score, steps and seconds.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import * as lp from 'launchpad-ts';
import { DEFAULT_CONFIG, type ApexConfig } from './config.ts';
import { OUTPUT_FOLDER, RESULT_FILE, type Evaluation } from './evaluator.ts';
import { makeProgram } from './program.ts';

function integer(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 0) {
    throw new Error(`--${name} must be a non-negative integer, got "${value}"`);
  }
  return parsed;
}

const { values } = parseArgs({
  // The program's own flags: lp.userArgs() leaves out the launcher's --lp_* flags.
  args: lp.userArgs(),
  options: {
    num_actors: { type: 'string' },
    seed: { type: 'string' },
    samples_per_insert: { type: 'string' },
    eval_every_ms: { type: 'string' },
    target_return: { type: 'string' },
    learner_niceness: { type: 'string' },
  },
});
const text = (name: keyof typeof values): string | undefined => {
  const value = values[name];
  return typeof value === 'string' ? value : undefined;
};
const config: ApexConfig = {
  ...DEFAULT_CONFIG,
  numActors: integer('num_actors', text('num_actors'), DEFAULT_CONFIG.numActors),
  seed: integer('seed', text('seed'), DEFAULT_CONFIG.seed),
  samplesPerInsert: integer(
    'samples_per_insert',
    text('samples_per_insert'),
    DEFAULT_CONFIG.samplesPerInsert,
  ),
  evalEveryMs: integer('eval_every_ms', text('eval_every_ms'), DEFAULT_CONFIG.evalEveryMs),
  targetReturn: integer('target_return', text('target_return'), DEFAULT_CONFIG.targetReturn),
  learnerNiceness: integer(
    'learner_niceness',
    text('learner_niceness'),
    DEFAULT_CONFIG.learnerNiceness,
  ),
};
if (config.learnerNiceness > 19) {
  throw new Error(`--learner_niceness must be from 0 to 19, got ${config.learnerNiceness}`);
}

const { program } = makeProgram(config);
const started = performance.now();
const running = lp.launch(program);
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
