/**
 * Time to threshold of the Ape-X DQN example with its TypeScript learner
 * (`examples/apex_dqn`) and with its PyTorch learner (`examples/apex_dqn_torch`), run back
 * to back, seed by seed:
 * `npx tsx bench/apex-learners.ts [--seeds=1,2,3] [--python=/usr/bin/python3]
 * [--time_limit=300] [--learners=ts,torch] [--curves=<dir>]`.
 *
 * For each seed, each learner in turn: the example's program with its defaults (2 actors,
 * `processes`, the evaluator every second, stopping at 475), launched from here with the
 * time limit, and from its curve the evaluator's seconds to the first evaluation at or
 * above the target, the seconds from launch to stop, env and learner steps, the CPU time
 * of the learner per learner step and of the actors per env step (from the CPU time each
 * node reports to the launcher, read every second), and the load average before and
 * after. One JSON line per run, then a table. `--curves` keeps each run's curve as
 * `<dir>/<learner>-seed<seed>.csv`, for `scripts/plot-curve.ts`.
 *
 * Bounded: seeds × learners runs, each stopped at the time limit.
 */
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { parseArgs } from 'node:util';
import * as lp from 'launchpad-ts';
import { DEFAULT_CONFIG, type ApexConfig } from '../examples/apex_dqn/config.ts';
import { OUTPUT_FOLDER } from '../examples/apex_dqn/evaluator.ts';
import { makeProgram as makeTsProgram } from '../examples/apex_dqn/program.ts';
import { makeProgram as makeTorchProgram } from '../examples/apex_dqn_torch/program.ts';

const PROGRAMS = { ts: makeTsProgram, torch: makeTorchProgram } as const;
type LearnerKind = keyof typeof PROGRAMS;

/** One run's figures. */
interface RunResult {
  readonly learner: LearnerKind;
  readonly seed: number;
  /** The best evaluation's mean return. */
  readonly best: number | null;
  /** Evaluator seconds at the first evaluation at or above the target; null if none. */
  readonly evaluatorSeconds: number | null;
  /** Seconds from launch to the end of the run. */
  readonly launchSeconds: number;
  readonly envSteps: number | null;
  readonly learnerSteps: number | null;
  /** The learner's CPU time per learner step, µs. */
  readonly learnerUsPerStep: number | null;
  /** The actors' CPU time per env step, µs. */
  readonly actorUsPerStep: number | null;
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
  if (!(name in PROGRAMS)) throw new Error(`--learners: expected ts and/or torch, got "${name}"`);
  return name as LearnerKind;
});
if (seeds.some((seed) => !Number.isInteger(seed) || seed < 0) || !(timeLimit > 0)) {
  throw new Error('--seeds must be non-negative integers and --time_limit a positive number');
}

/** The curve's rows as `{ seconds, env_steps, learner_steps, mean_return }`. */
function readCurve(path: string): Record<string, number>[] {
  const [header, ...rows] = readFileSync(path, 'utf8').trim().split('\n');
  const columns = (header ?? '').split(',');
  return rows.map((row) => {
    const cells = row.split(',').map(Number);
    return Object.fromEntries(columns.map((name, i) => [name, cells[i] ?? Number.NaN]));
  });
}

/** CPU seconds so far of the node `nodeId`, and of every node whose id starts with `prefix`. */
function cpuOf(running: lp.RunningProgram, prefix: string): number {
  let total = 0;
  for (const node of running.metrics().nodes) {
    if (node.nodeId.startsWith(prefix)) total += node.process?.cpuSeconds ?? 0;
  }
  return total;
}

async function runOnce(learner: LearnerKind, seed: number): Promise<RunResult> {
  const config: ApexConfig = { ...DEFAULT_CONFIG, seed };
  const { program } = PROGRAMS[learner](config);
  const workdir = mkdtempSync(join(tmpdir(), `apex-learners-${learner}-`));
  const loadBefore = loadavg()[0] ?? 0;
  const started = performance.now();
  const running = lp.launch(program, {
    launchType: 'processes',
    workdir,
    python: values.python,
    timeLimitMs: timeLimit * 1000,
    // The nodes' lines (evaluations, progress) would bury the table.
    stdout: new Writable({
      write: (_chunk, _encoding, done) => {
        done();
      },
    }),
  });
  // The last CPU times the nodes reported before the run ended.
  let learnerCpu = 0;
  let actorCpu = 0;
  const poll = setInterval(() => {
    learnerCpu = Math.max(learnerCpu, cpuOf(running, 'learner/'));
    actorCpu = Math.max(actorCpu, cpuOf(running, 'actor/'));
  }, 1_000);
  try {
    await running.wait();
  } finally {
    clearInterval(poll);
  }
  const launchSeconds = (performance.now() - started) / 1000;
  const loadAfter = loadavg()[0] ?? 0;
  const curvePath = join(workdir, OUTPUT_FOLDER, 'curve.csv');
  let curve: Record<string, number>[] = [];
  try {
    curve = readCurve(curvePath);
    if (values.curves !== undefined) {
      mkdirSync(values.curves, { recursive: true });
      copyFileSync(curvePath, join(values.curves, `${learner}-seed${seed}.csv`));
    }
  } catch {
    // No evaluation finished before the time limit.
  }
  rmSync(workdir, { recursive: true, force: true });
  const last = curve.at(-1);
  const reached = curve.find((row) => (row['mean_return'] ?? 0) >= config.targetReturn);
  const envSteps = last?.['env_steps'] ?? null;
  const learnerSteps = last?.['learner_steps'] ?? null;
  const perStep = (cpu: number, steps: number | null): number | null =>
    steps === null || steps === 0 || cpu === 0 ? null : Math.round((cpu / steps) * 1e6);
  return {
    learner,
    seed,
    best: curve.length === 0 ? null : Math.max(...curve.map((row) => row['mean_return'] ?? 0)),
    evaluatorSeconds: reached?.['seconds'] ?? null,
    launchSeconds: Number(launchSeconds.toFixed(1)),
    envSteps,
    learnerSteps,
    learnerUsPerStep: perStep(learnerCpu, learnerSteps),
    actorUsPerStep: perStep(actorCpu, envSteps),
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
  '\n| seed | learner | time to 475 (evaluator) | launch to stop | env steps | learner steps | learner µs/step | actors µs/env step | load before → after |',
);
console.log(
  '| ---: | ------- | ----------------------: | -------------: | --------: | ------------: | --------------: | -----------------: | ------------------- |',
);
for (const r of results) {
  const reached =
    r.evaluatorSeconds === null ? `not reached (best ${cell(r.best)})` : `${r.evaluatorSeconds} s`;
  console.log(
    `| ${r.seed} | ${r.learner} | ${reached} | ${r.launchSeconds} s | ${cell(r.envSteps)} | ` +
      `${cell(r.learnerSteps)} | ${cell(r.learnerUsPerStep)} | ${cell(r.actorUsPerStep)} | ` +
      `${r.loadBefore} → ${r.loadAfter} |`,
  );
}
