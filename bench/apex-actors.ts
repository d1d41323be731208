/**
 * Env steps/s of the Ape-X DQN example with 1 and 2 actors, interleaved, in one run:
 * `npx tsx bench/apex-actors.ts [--rounds=3] [--actors=1,2] [--seconds=15]
 * [--variants=train,frozen,baseline] [--baseline=<dir>] [--config=key=value,…]
 * [--profile=<dir>] [--profile_nodes=actor/0,replay/0] [--lp_launch_type=processes]`.
 *
 * Variants, each launched with 1 and 2 actors in every round:
 * - `train`: the example's program (replay, learner, N actors, an evaluator that waits for
 *   requests) with the defaults of `examples/apex_dqn/config.ts`, `samplesPerInsert` 0
 *   (actors run free, as in Ape-X) and the `--config` overrides (e.g.
 *   `--config=learnerNiceness=19,insertBatch=64`);
 * - `frozen`: replay and actors fed by a node that serves the initial parameters and never
 *   trains: what the actors do when no learner wants the CPU;
 * - `baseline`: the copy of `examples/apex_dqn` in `--baseline` (e.g. an earlier commit's,
 *   extracted inside the repository so that it resolves launchpad-ts) with its own
 *   defaults and `samplesPerInsert` 0, to compare versions under the same load.
 *
 * After a warm-up (replay full enough for the learner, the learner's first steps, 2 s more
 * for the JIT) it counts the transitions replay received over `--seconds`, and each node's
 * share of a core from the CPU time the node reports to the launcher. One JSON line per
 * launch, then a summary with each variant's median and its per-round 2-to-1 ratios;
 * every figure carries the load average, since the machine may be shared.
 * `--profile=<dir>` runs the `--profile_nodes` with `--cpu-prof` and prints where each
 * spent its time, by function (self time, whole process life).
 *
 * Bounded: rounds × variants × actor counts launches, each a warm-up of at most 120 s
 * plus the window.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import * as lp from 'launchpad-ts';
import type { ReplayService } from 'launchpad-ts/replay';
import { Actor } from '../examples/apex_dqn/actor.ts';
import * as currentConfig from '../examples/apex_dqn/config.ts';
import type { ApexConfig } from '../examples/apex_dqn/config.ts';
import type { Learner } from '../examples/apex_dqn/learner.ts';
import * as currentProgram from '../examples/apex_dqn/program.ts';
import type { Transition } from '../examples/apex_dqn/transition.ts';
import { FrozenParameters } from './apex-frozen-parameters.ts';
import { summariseCpuProfile, type CpuProfile } from './cpu-profile-summary.ts';
import { median } from './stats.ts';

const WARMUP_LIMIT_MS = 120_000;
const WARMUP_LEARNER_STEPS = 50;
/** Left to run after the warm-up condition, so the window measures JIT-compiled code. */
const SETTLE_MS = 2_000;
const VARIANTS = ['train', 'frozen', 'baseline'] as const;

type Variant = (typeof VARIANTS)[number];

interface BenchProgram {
  readonly program: lp.Program;
  readonly replay: lp.Handle<ReplayService<Transition>>;
  readonly learner?: lp.Handle<Learner>;
}

interface Measurement {
  readonly round: number;
  readonly variant: Variant;
  readonly actors: number;
  readonly launchType: string;
  readonly envStepsPerSecond: number;
  readonly learnerStepsPerSecond: number;
  /** Each node's share of one core over the window. */
  readonly cpu: Readonly<Record<string, number>>;
  /** Each node's CPU time per env step, in microseconds: what one more step costs where. */
  readonly cpuMicrosPerStep: Readonly<Record<string, number>>;
  readonly loadAverage: number;
}

interface Snapshot {
  readonly at: number;
  readonly inserts: number;
  readonly learnerSteps: number;
  readonly cpu: ReadonlyMap<string, { cpuSeconds: number; uptimeSeconds: number }>;
}

const { values } = parseArgs({
  args: lp.userArgs(),
  options: {
    rounds: { type: 'string', default: '3' },
    actors: { type: 'string', default: '1,2' },
    seconds: { type: 'string', default: '15' },
    variants: { type: 'string', default: 'train' },
    baseline: { type: 'string' },
    config: { type: 'string', default: '' },
    profile: { type: 'string' },
    profile_nodes: { type: 'string', default: 'actor/0' },
  },
});
const rounds = positiveInteger('rounds', values.rounds);
const windowMs = positiveInteger('seconds', values.seconds) * 1000;
const actorCounts = values.actors.split(',').map((text) => positiveInteger('actors', text));
const variants = values.variants.split(',').map((name): Variant => {
  const variant = VARIANTS.find((known) => known === name);
  if (variant === undefined) {
    throw new Error(`--variants must list ${VARIANTS.join(', ')}; got "${name}"`);
  }
  return variant;
});
const overrides = parseOverrides(values.config);
const profileRoot = values.profile === undefined ? undefined : resolve(values.profile);
const profileNodes = values.profile_nodes.split(',');
const baseline =
  values.baseline === undefined
    ? undefined
    : {
        program: (await import(resolve(values.baseline, 'program.ts'))) as Pick<
          typeof currentProgram,
          'makeProgram'
        >,
        config: (await import(resolve(values.baseline, 'config.ts'))) as Pick<
          typeof currentConfig,
          'DEFAULT_CONFIG'
        >,
      };
if (variants.includes('baseline') && baseline === undefined) {
  throw new Error('--variants=baseline needs --baseline=<a copy of examples/apex_dqn>');
}

function positiveInteger(name: string, text: string): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1) {
    throw new Error(`--${name} must be a positive integer, got "${text}"`);
  }
  return value;
}

/** Numeric settings of the example, by name. */
type NumericSettings = Partial<Record<string, number>>;

function parseOverrides(text: string): NumericSettings {
  const result: NumericSettings = {};
  for (const pair of text.split(',').filter((part) => part !== '')) {
    const [key = '', value = ''] = pair.split('=');
    const current = (currentConfig.DEFAULT_CONFIG as unknown as Record<string, unknown>)[key];
    if (typeof current !== 'number' || !Number.isFinite(Number(value)) || value === '') {
      throw new Error(`--config: "${pair}" is not <numeric setting of ApexConfig>=<number>`);
    }
    result[key] = Number(value);
  }
  return result;
}

/** The program of one variant with `actors` actors. */
function benchProgram(variant: Variant, actors: number): BenchProgram {
  if (variant === 'baseline' && baseline !== undefined) {
    const config = { ...baseline.config.DEFAULT_CONFIG, numActors: actors, evalEveryMs: 0 };
    return baseline.program.makeProgram({ ...config, samplesPerInsert: 0 });
  }
  const config: ApexConfig = {
    ...currentConfig.DEFAULT_CONFIG,
    samplesPerInsert: 0,
    // Checked in parseOverrides: each names a numeric setting.
    ...(overrides as Partial<ApexConfig>),
    numActors: actors,
    evalEveryMs: 0,
  };
  if (variant === 'train') return currentProgram.makeProgram(config);
  const program = new lp.Program('apex_dqn_frozen');
  const replay = program.addNode(currentProgram.makeReplayNode(config), 'replay');
  const source = program.addNode(new lp.ServiceNode(FrozenParameters, config), 'parameters');
  for (let i = 0; i < actors; i++) {
    program.addNode(new lp.ServiceNode(Actor, replay, source, config, i), 'actor');
  }
  return { program, replay };
}

async function snapshot(running: lp.RunningProgram, handles: BenchProgram): Promise<Snapshot> {
  const replay = running.client(handles.replay);
  const [info, learnerSteps] = await Promise.all([
    replay.info(),
    handles.learner === undefined ? 0 : running.client(handles.learner).steps(),
  ]);
  const cpu = new Map<string, { cpuSeconds: number; uptimeSeconds: number }>();
  for (const node of running.metrics().nodes) {
    if (node.process !== undefined) cpu.set(node.nodeId, node.process);
  }
  return { at: performance.now(), inserts: info.tables[0]?.inserts ?? 0, learnerSteps, cpu };
}

async function measure(round: number, variant: Variant, actors: number): Promise<Measurement> {
  const handles = benchProgram(variant, actors);
  const workdir = mkdtempSync(join(tmpdir(), 'apex-actors-bench-'));
  const profiled = profileNodes.filter(
    (nodeId) =>
      profileRoot !== undefined && (variant !== 'frozen' || !nodeId.startsWith('learner')),
  );
  const profileDir = (nodeId: string): string =>
    join(profileRoot ?? '', `r${round}-${variant}-a${actors}`, nodeId);
  for (const nodeId of profiled) mkdirSync(profileDir(nodeId), { recursive: true });
  const running = lp.launch(handles.program, {
    workdir,
    resources: Object.fromEntries(
      profiled.map((nodeId) => [
        nodeId,
        { nodeFlags: ['--cpu-prof', `--cpu-prof-dir=${profileDir(nodeId)}`] },
      ]),
    ),
  });
  try {
    await running.ready;
    const deadline = performance.now() + WARMUP_LIMIT_MS;
    for (;;) {
      const now = await snapshot(running, handles);
      const learnerReady =
        handles.learner === undefined || now.learnerSteps >= WARMUP_LEARNER_STEPS;
      if (now.inserts >= 1_000 && learnerReady) break;
      if (performance.now() > deadline) {
        throw new Error(`warm-up not done in ${WARMUP_LIMIT_MS} ms: ${JSON.stringify(now)}`);
      }
      await sleep(250);
    }
    await sleep(SETTLE_MS);
    const start = await snapshot(running, handles);
    await sleep(windowMs);
    const end = await snapshot(running, handles);
    const seconds = (end.at - start.at) / 1000;
    const cpu: Record<string, number> = {};
    for (const [nodeId, last] of end.cpu) {
      const first = start.cpu.get(nodeId);
      if (first === undefined || last.uptimeSeconds <= first.uptimeSeconds) continue;
      cpu[nodeId] = round2(
        (last.cpuSeconds - first.cpuSeconds) / (last.uptimeSeconds - first.uptimeSeconds),
      );
    }
    const envStepsPerSecond = (end.inserts - start.inserts) / seconds;
    const cpuMicrosPerStep = Object.fromEntries(
      Object.entries(cpu).map(([nodeId, share]) => [
        nodeId,
        // One decimal: replay's few µs per step are the figure of issue 27's target.
        Math.round((share * 1e7) / envStepsPerSecond) / 10,
      ]),
    );
    return {
      round,
      variant,
      actors,
      launchType: running.launchType,
      envStepsPerSecond: Math.round(envStepsPerSecond),
      learnerStepsPerSecond: Math.round((end.learnerSteps - start.learnerSteps) / seconds),
      cpu,
      cpuMicrosPerStep,
      loadAverage: round2(loadavg()[0] ?? 0),
    };
  } finally {
    await running.stop();
    rmSync(workdir, { recursive: true, force: true });
    for (const nodeId of profiled)
      printProfile(profileDir(nodeId), `${nodeId}, ${variant}, ${actors} actor(s)`);
  }
}

function printProfile(dir: string, title: string): void {
  // The first profile is the main thread's; tsx's loader thread writes a second one.
  const file = readdirSync(dir)
    .filter((name) => name.endsWith('.cpuprofile'))
    .sort()[0];
  if (file === undefined) return;
  const profile = JSON.parse(readFileSync(join(dir, file), 'utf8')) as CpuProfile;
  console.log(`profile of ${title}: ${join(dir, file)}`);
  for (const line of summariseCpuProfile(profile, 15)) {
    console.log(`  ${line.percent.toFixed(1).padStart(5)} %  ${line.name}  ${line.where}`);
  }
}

function round2(value: number): number {
  return Math.round(value * 100) / 100;
}

const results: Measurement[] = [];
for (let round = 1; round <= rounds; round++) {
  for (const variant of variants) {
    for (const actors of actorCounts) {
      const result = await measure(round, variant, actors);
      results.push(result);
      console.log(JSON.stringify(result));
    }
  }
}

const summary = variants.map((variant) => {
  const runs = results.filter((r) => r.variant === variant);
  const byActors = actorCounts.map((actors) => {
    const same = runs.filter((r) => r.actors === actors);
    return {
      actors,
      envStepsPerSecond: median(same.map((r) => r.envStepsPerSecond)),
      learnerStepsPerSecond: median(same.map((r) => r.learnerStepsPerSecond)),
    };
  });
  // Per round: each ratio compares two launches made a minute apart, under the same load.
  const ratiosTwoToOne = runs
    .filter((r) => r.actors === 2)
    .map((two) => {
      const one = runs.find((r) => r.actors === 1 && r.round === two.round);
      return one === undefined ? null : round2(two.envStepsPerSecond / one.envStepsPerSecond);
    });
  return { variant, byActors, ratiosTwoToOne };
});
console.log(
  JSON.stringify({
    launchType: results[0]?.launchType,
    overrides,
    windowSeconds: windowMs / 1000,
    loadAverages: results.map((r) => r.loadAverage),
    summary,
  }),
);
