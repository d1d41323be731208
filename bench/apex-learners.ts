/**
 * Time to threshold of the Ape-X DQN example with its TypeScript learner
 * (`examples/apex_dqn`) and with its PyTorch learner (`examples/apex_dqn_torch`), run back
 * to back, seed by seed, as a user runs them:
 * `npx tsx bench/apex-learners.ts [--seeds=1,2,3] [--python=/usr/bin/python3]
 * [--time_limit=300] [--learners=ts,torch] [--curves=<dir>]`.
 *
 * For each seed, each learner in turn: `tsx examples/<example>/main.ts --seed=<seed>
 * --lp_time_limit=<time_limit>` (processes, 2 actors, the defaults), and from its output
 * the evaluator's seconds to the first evaluation at or above the target (its curve), the
 * whole command's seconds, env and learner steps, and the load average before and after.
 * One JSON line per run, then a table. `--curves` keeps each run's curve as
 * `<dir>/<learner>-seed<seed>.csv`, for `scripts/plot-curve.ts`.
 *
 * Bounded: seeds × learners runs, each killed at the time limit plus 120 s.
 */
import { spawn } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

const EXAMPLES = {
  ts: 'examples/apex_dqn/main.ts',
  torch: 'examples/apex_dqn_torch/main.ts',
} as const;
type LearnerKind = keyof typeof EXAMPLES;
const TARGET = 475;
// Starting the node processes and stopping them come on top of the launch's time limit.
const KILL_MARGIN_MS = 120_000;

/** One run's figures. */
interface RunResult {
  readonly learner: LearnerKind;
  readonly seed: number;
  readonly solved: boolean;
  readonly score: number | null;
  /** Evaluator seconds at the first evaluation at or above the target; null if none. */
  readonly evaluatorSeconds: number | null;
  readonly commandSeconds: number | null;
  readonly envSteps: number | null;
  readonly learnerSteps: number | null;
  readonly loadBefore: number;
  readonly loadAfter: number;
}

const { values } = parseArgs({
  options: {
    seeds: { type: 'string', default: '1,2,3' },
    python: { type: 'string', default: '/usr/bin/python3' },
    time_limit: { type: 'string', default: '300' },
    learners: { type: 'string', default: 'ts,torch' },
    curves: { type: 'string' },
  },
});
const seeds = values.seeds.split(',').map(Number);
const timeLimit = Number(values.time_limit);
const learners = values.learners.split(',').map((name) => {
  if (!(name in EXAMPLES)) throw new Error(`--learners: expected ts and/or torch, got "${name}"`);
  return name as LearnerKind;
});
if (seeds.some((seed) => !Number.isInteger(seed) || seed < 0) || !(timeLimit > 0)) {
  throw new Error('--seeds must be non-negative integers and --time_limit a positive number');
}

/** Runs `tsx <script> ...args` and resolves with its stdout (stderr passes through). */
function runExample(script: string, args: readonly string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn('npx', ['tsx', script, ...args], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGINT'), timeLimit * 1000 + KILL_MARGIN_MS);
    child.once('exit', (code) => {
      clearTimeout(timer);
      if (code === 0) resolve(output);
      else reject(new Error(`${script} ${args.join(' ')} exited with ${String(code)}:\n${output}`));
    });
  });
}

/** The evaluator's seconds at the first row of the curve at or above the target. */
function secondsToTarget(curvePath: string): number | null {
  const [header, ...rows] = readFileSync(curvePath, 'utf8').trim().split('\n');
  const columns = (header ?? '').split(',');
  const seconds = columns.indexOf('seconds');
  const score = columns.indexOf('mean_return');
  for (const row of rows) {
    const cells = row.split(',').map(Number);
    if ((cells[score] ?? 0) >= TARGET) return cells[seconds] ?? null;
  }
  return null;
}

async function runOnce(learner: LearnerKind, seed: number): Promise<RunResult> {
  const args = [`--seed=${seed}`, `--lp_time_limit=${timeLimit}`];
  if (learner === 'torch') args.push(`--lp_python=${values.python}`);
  const loadBefore = loadavg()[0] ?? 0;
  const output = await runExample(EXAMPLES[learner], args);
  const loadAfter = loadavg()[0] ?? 0;
  const lines = output.trimEnd().split('\n');
  const report = JSON.parse(lines.at(-1) ?? '{}') as Record<string, number | boolean | null>;
  const curvePath = lines
    .findLast((line) => line.startsWith('Learning curve: '))
    ?.slice('Learning curve: '.length);
  if (curvePath !== undefined && values.curves !== undefined) {
    mkdirSync(values.curves, { recursive: true });
    copyFileSync(curvePath, join(values.curves, `${learner}-seed${seed}.csv`));
  }
  return {
    learner,
    seed,
    solved: report['solved'] === true,
    score: report['score'] as number | null,
    evaluatorSeconds: curvePath === undefined ? null : secondsToTarget(curvePath),
    commandSeconds: report['seconds'] as number | null,
    envSteps: report['steps'] as number | null,
    learnerSteps: report['learnerSteps'] as number | null,
    loadBefore: Number(loadBefore.toFixed(1)),
    loadAfter: Number(loadAfter.toFixed(1)),
  };
}

const results: RunResult[] = [];
for (const seed of seeds) {
  for (const learner of learners) {
    const result = await runOnce(learner, seed);
    console.log(JSON.stringify(result));
    results.push(result);
  }
}

const cell = (value: number | null, unit = ''): string =>
  value === null ? '—' : `${value.toLocaleString('en-US')}${unit}`;
console.log(
  '\n| seed | learner | solved (score) | evaluator time | whole command | env steps | learner steps | load before → after |',
);
console.log(
  '| ---: | ------- | -------------- | -------------: | ------------: | --------: | ------------: | ------------------- |',
);
for (const r of results) {
  console.log(
    `| ${r.seed} | ${r.learner} | ${r.solved ? 'yes' : 'no'} (${cell(r.score)}) | ${cell(r.evaluatorSeconds, ' s')} | ` +
      `${cell(r.commandSeconds, ' s')} | ${cell(r.envSteps)} | ${cell(r.learnerSteps)} | ${r.loadBefore} → ${r.loadAfter} |`,
  );
}
