/**
 * Trains a CartPole-v1 policy with evolution strategies and prints the result as JSON.
 *
 *   npx tsx examples/evolution_strategies/main.ts --num_workers=2 --lp_launch_type=processes
 *
 * Flags: --num_workers, --pairs, --sigma, --learning_rate, --generations, --seed. The
 * learning curve goes to `<workdir>/evolution_strategies.csv`.
 */
import { parseArgs } from 'node:util';
import * as lp from 'launchpad-ts';
import { printFinalReport, writeCurveCsv, type FinalReport } from '../common/learning-curve.ts';
import { DEFAULT_CONFIG, type EsConfig } from './config.ts';
import { makeProgram } from './program.ts';

const { values } = parseArgs({
  // The program's own flags: lp.userArgs() leaves out the launcher's --lp_* flags.
  args: lp.userArgs(),
  options: {
    num_workers: { type: 'string', default: String(DEFAULT_CONFIG.numWorkers) },
    pairs: { type: 'string', default: String(DEFAULT_CONFIG.pairs) },
    sigma: { type: 'string', default: String(DEFAULT_CONFIG.sigma) },
    learning_rate: { type: 'string', default: String(DEFAULT_CONFIG.learningRate) },
    generations: { type: 'string', default: String(DEFAULT_CONFIG.generations) },
    seed: { type: 'string', default: String(DEFAULT_CONFIG.seed) },
  },
});

function positive(flag: keyof typeof values, integer: boolean): number {
  const value = Number(values[flag]);
  if (!(value > 0) || (integer && !Number.isInteger(value))) {
    const kind = integer ? 'a positive integer' : 'positive';
    throw new Error(`--${flag} must be ${kind}, got ${values[flag]}`);
  }
  return value;
}

const config: EsConfig = {
  ...DEFAULT_CONFIG,
  numWorkers: positive('num_workers', true),
  pairs: positive('pairs', true),
  sigma: positive('sigma', false),
  learningRate: positive('learning_rate', false),
  generations: positive('generations', true),
  seed: positive('seed', true),
};

const started = performance.now();
const { program, master } = makeProgram(config);
const running = lp.launch(program);
let report: FinalReport;
try {
  // Node processes may take a while to start on a busy machine; wait for all of them.
  await running.ready;
  const result = await running.client(master).train();
  report = {
    example: 'evolution_strategies',
    score: result.meanReturn,
    steps: result.envSteps,
    seconds: (performance.now() - started) / 1000,
    secondsToTarget: result.secondsToTarget,
    generations: result.generations,
    numWorkers: config.numWorkers,
    launchType: running.launchType,
    csv: writeCurveCsv(running.workdir, 'evolution_strategies', result.curve),
  };
} finally {
  await running.stop();
}
// Last, after every node has stopped, so no node's output can follow it.
printFinalReport(report);
