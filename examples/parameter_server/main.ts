/**
 * Trains a digit classifier with a parameter server and prints the result as JSON.
 *
 *   npx tsx examples/parameter_server/main.ts --mode=sync --num_workers=2 --lp_launch_type=processes
 *
 * Flags: --mode=sync|async, --num_workers, --steps, --batch_size, --learning_rate,
 * --hidden, --seed, --eval_every. The learning curve goes to
 * `<workdir>/parameter_server.csv`.
 */
import { parseArgs } from 'node:util';
import * as lp from 'launchpad-ts';
import { printFinalReport, writeCurveCsv, type FinalReport } from '../common/learning-curve.ts';
import { DEFAULT_CONFIG, type PsConfig } from './config.ts';
import { makeProgram } from './program.ts';

const { values } = parseArgs({
  // The program's own flags: lp.userArgs() leaves out the launcher's --lp_* flags.
  args: lp.userArgs(),
  options: {
    mode: { type: 'string', default: DEFAULT_CONFIG.mode },
    num_workers: { type: 'string', default: String(DEFAULT_CONFIG.numWorkers) },
    steps: { type: 'string', default: String(DEFAULT_CONFIG.steps) },
    batch_size: { type: 'string', default: String(DEFAULT_CONFIG.batchSize) },
    learning_rate: { type: 'string', default: String(DEFAULT_CONFIG.learningRate) },
    hidden: { type: 'string', default: String(DEFAULT_CONFIG.hidden) },
    seed: { type: 'string', default: String(DEFAULT_CONFIG.seed) },
    eval_every: { type: 'string', default: String(DEFAULT_CONFIG.evalEvery) },
  },
});

function positiveInteger(flag: keyof typeof values): number {
  const value = Number(values[flag]);
  if (!Number.isInteger(value) || value < 1) {
    throw new Error(`--${flag} must be a positive integer, got ${values[flag]}`);
  }
  return value;
}

if (values.mode !== 'sync' && values.mode !== 'async') {
  throw new Error(`--mode must be sync or async, got ${values.mode}`);
}
const learningRate = Number(values.learning_rate);
if (!(learningRate > 0))
  throw new Error(`--learning_rate must be positive, got ${values.learning_rate}`);
const config: PsConfig = {
  mode: values.mode,
  numWorkers: positiveInteger('num_workers'),
  steps: positiveInteger('steps'),
  batchSize: positiveInteger('batch_size'),
  learningRate,
  hidden: positiveInteger('hidden'),
  seed: positiveInteger('seed'),
  evalEvery: positiveInteger('eval_every'),
};

const started = performance.now();
const { program, evaluator } = makeProgram(config);
const running = lp.launch(program);
let report: FinalReport;
try {
  // Node processes may take a while to start on a busy machine; wait for all of them.
  await running.ready;
  const result = await running.client(evaluator).follow();
  report = {
    example: 'parameter_server',
    score: result.accuracy,
    steps: result.steps,
    seconds: (performance.now() - started) / 1000,
    trainingSeconds: result.trainingSeconds,
    mode: config.mode,
    numWorkers: config.numWorkers,
    launchType: running.launchType,
    csv: writeCurveCsv(running.workdir, 'parameter_server', result.curve),
  };
} finally {
  await running.stop();
}
// Last, after every node has stopped, so no node's output can follow it.
printFinalReport(report);
