/**
 * `npm run bench` (footprint suite; `npm run bench:footprint` runs only this one, after
 * `npm run build`): what an idle node holds, against bare Node measured in the same run,
 * and whether a long run grows.
 *
 * - Under `processes`: the memory of each node process of a program of 8 producers and a
 *   consumer, idle after one call each, against bare `node` processes that connected
 *   once and idle. Each node process also reports `process.memoryUsage()` at each phase
 *   of its start (the phase probe, preloaded with `--import`).
 * - Under `threads`: what the launcher's process grows by per node thread, from the
 *   program with 1 producer to the program with 8 (7 threads more), against what 7 bare
 *   worker threads more add to a bare process.
 * - The long run: 1,000,000 calls to one service (BENCH_FOOTPRINT_CALLS, bounded by
 *   BENCH_FOOTPRINT_SECONDS, default 120 s), its RSS after the first 10,000 calls against
 *   its RSS at the end, under `processes` and `threads`.
 *
 * The idle program runs from two entries in every round: compiled to JavaScript and run
 * with plain `node`, and its TypeScript run with tsx (`node --import tsx`), as most users
 * run it.
 *
 * Rounds are interleaved (BENCH_ROUNDS, default 2) and each figure is the median.
 * BENCH_FOOTPRINT_BEFORE=<dir> measures the launchpad-ts built in <dir> (the code before a
 * change, with its own node_modules and dist/) alongside this one in every round.
 * BENCH_FOOTPRINT_SNAPSHOTS=<dir> also writes a V8 heap snapshot of an idle producer there
 * under each launch type and prints what it holds. BENCH_FOOTPRINT_SETTLE_MS (default 1000)
 * is how long after the last call idle nodes and floors are measured (V8's memory reducer
 * gives back some of a quiet process's heap about 8 s after it goes quiet). Linux only:
 * memory is read from /proc.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { summariseSnapshot } from './footprint/heap-summary.ts';
import {
  bareProcesses,
  bareWorkerAdds,
  longRunOf,
  medianMemory,
  nodeProcesses,
  nodeThreadAdds,
  type LongRun,
  type PhaseRecord,
} from './footprint/measurements.ts';
import type { ProcessMemory } from './footprint/process-memory.ts';
import { compile, runAndMeasure, typeScriptEntry } from './footprint/program-run.ts';
import {
  printBeforeAndNow,
  printFootprint,
  printLongRuns,
  printMappings,
  printPhases,
  printSnapshots,
} from './footprint/report.ts';
import { median } from './stats.ts';

const ROUNDS = Number(process.env['BENCH_ROUNDS'] ?? 2);
const CALLS = Number(process.env['BENCH_FOOTPRINT_CALLS'] ?? 1_000_000);
const SECONDS = Number(process.env['BENCH_FOOTPRINT_SECONDS'] ?? 120);
const SNAPSHOTS = process.env['BENCH_FOOTPRINT_SNAPSHOTS'];
const BEFORE = process.env['BENCH_FOOTPRINT_BEFORE'];

/** The programs of one build of launchpad-ts (the arguments of `node` that run each). */
interface Build {
  readonly idleProgram: readonly string[];
  readonly idleTypeScript: readonly string[];
  readonly longRun: string;
}
const compileFor = (root?: string): Build => ({
  idleProgram: [compile('idle-program', root)],
  idleTypeScript: typeScriptEntry('idle-program', root),
  longRun: compile('long-run-program', root),
});
const now = compileFor();
const before = BEFORE === undefined ? undefined : compileFor(BEFORE);
const bare = compile('bare');
const probe = pathToFileURL(compile('phase-probe')).href;

/** One build's figures in one round. */
interface BuildFigures {
  readonly nodeProcess: ProcessMemory;
  readonly launcher: ProcessMemory;
  readonly nodeThreadAdds: number;
  /** The same, of the TypeScript entry run with tsx. */
  readonly tsx: {
    readonly nodeProcess: ProcessMemory;
    readonly nodeThreadAdds: number;
  };
}
interface Round {
  readonly bareProcess: ProcessMemory;
  readonly bareWorkerAdds: number;
  readonly now: BuildFigures;
  readonly before?: BuildFigures;
}

const rounds: Round[] = [];
const phases: PhaseRecord[][] = [];
let mappings: { bare: Map<string, number>; node: Map<string, number> } | undefined;
// The 1-minute load average at each round's start and after the last: the machine may be shared.
const loads: number[] = [];
for (let round = 1; round <= ROUNDS; round++) {
  loads.push(loadavg()[0] ?? 0);
  process.stderr.write(`footprint round ${round}/${ROUNDS}\n`);
  const bareRun = await bareProcesses(bare);
  const measureBuild = async (build: Build): Promise<BuildFigures> => {
    const run = await nodeProcesses(build.idleProgram, probe);
    if (build === now) {
      phases.push(...run.phases);
      mappings ??= { bare: bareRun.mappings, node: run.mappings };
    }
    const tsxRun = await nodeProcesses(build.idleTypeScript, probe);
    return {
      nodeProcess: medianMemory(run.each),
      launcher: run.launcher,
      nodeThreadAdds: await nodeThreadAdds(build.idleProgram),
      tsx: {
        nodeProcess: medianMemory(tsxRun.each),
        nodeThreadAdds: await nodeThreadAdds(build.idleTypeScript),
      },
    };
  };
  const figures = await measureBuild(now);
  const beforeFigures = before === undefined ? undefined : await measureBuild(before);
  rounds.push({
    bareProcess: medianMemory(bareRun.each),
    bareWorkerAdds: await bareWorkerAdds(bare),
    now: figures,
    ...(beforeFigures === undefined ? {} : { before: beforeFigures }),
  });
}

loads.push(loadavg()[0] ?? 0);
console.log(
  `Idle rounds at load average ${Math.min(...loads).toFixed(1)} to ` +
    `${Math.max(...loads).toFixed(1)}, measured ${process.env['BENCH_FOOTPRINT_SETTLE_MS'] ?? 1000} ms after the last call`,
);
const longRuns: Record<string, LongRun> = {};
for (const launchType of ['processes', 'threads']) {
  for (const [name, build] of [
    ['now', now],
    ['before', before],
  ] as const) {
    if (build === undefined) continue;
    process.stderr.write(`footprint long run (${name}): ${CALLS} calls under ${launchType}\n`);
    longRuns[`${launchType}${name === 'now' ? '' : ', before'}`] = await longRunOf(
      build.longRun,
      launchType,
      { calls: CALLS, seconds: SECONDS },
    );
  }
}
// Under threads a busy node's young generation grows to V8's default maximum (16 MB
// semi-spaces); this run shows the same calls with `--max-semi-space-size=4`.
process.stderr.write(`footprint long run: ${CALLS} calls under threads, 4 MB semi-spaces\n`);
longRuns['threads, --max-semi-space-size=4'] = await longRunOf(now.longRun, 'threads', {
  calls: CALLS,
  seconds: SECONDS,
  semiSpaceMb: 4,
});

const pick = (get: (round: Round) => number | undefined): number =>
  median(rounds.map(get).filter((value): value is number => value !== undefined));
const summary = {
  bareProcess: medianMemory(rounds.map((r) => r.bareProcess)),
  bareWorkerAdds: pick((r) => r.bareWorkerAdds),
  now: {
    nodeProcess: medianMemory(rounds.map((r) => r.now.nodeProcess)),
    launcher: medianMemory(rounds.map((r) => r.now.launcher)),
    nodeThreadAdds: pick((r) => r.now.nodeThreadAdds),
  },
  ...(before === undefined
    ? {}
    : {
        before: {
          nodeProcess: medianMemory(rounds.flatMap((r) => r.before?.nodeProcess ?? [])),
          launcher: medianMemory(rounds.flatMap((r) => r.before?.launcher ?? [])),
          nodeThreadAdds: pick((r) => r.before?.nodeThreadAdds),
        },
      }),
};
printFootprint(summary, ROUNDS);
// Both entries of each build, against the same run's floors.
const entryRows: Record<string, Record<string, string>> = {};
for (const [name, get] of [
  ['compiled', (r: Round) => r.now],
  ['tsx', (r: Round) => r.now.tsx],
  ['compiled, before', (r: Round) => r.before],
  ['tsx, before', (r: Round) => r.before?.tsx],
] as const) {
  const figures = rounds.map(get).filter((f) => f !== undefined);
  if (figures.length === 0) continue;
  const rss = median(figures.map((f) => f.nodeProcess.rss));
  const thread = median(figures.map((f) => f.nodeThreadAdds));
  entryRows[name] = {
    'node process RSS MB': (rss / 1048576).toFixed(1),
    '× bare node': (rss / summary.bareProcess.rss).toFixed(2),
    'per node thread MB': (thread / 1048576).toFixed(1),
    '× bare worker': (thread / summary.bareWorkerAdds).toFixed(2),
  };
}
console.log(
  `\nIdle nodes by entry (bare node ${(summary.bareProcess.rss / 1048576).toFixed(1)} MB, ` +
    `bare worker adds ${(summary.bareWorkerAdds / 1048576).toFixed(1)} MB, same run)`,
);
console.table(entryRows);
const phaseTable = printPhases(phases);
if (mappings !== undefined) printMappings(mappings);
printLongRuns(longRuns, CALLS, SECONDS);
if (summary.before !== undefined) printBeforeAndNow(summary.before, summary.now, longRuns);

let snapshots: Record<string, Record<string, number>> | undefined;
if (SNAPSHOTS !== undefined) {
  snapshots = {};
  for (const launchType of ['processes', 'threads']) {
    const directory = `${SNAPSHOTS}/${launchType}`;
    mkdirSync(directory, { recursive: true });
    await runAndMeasure(
      [
        ...now.idleProgram,
        '--producers=1',
        `--lp_launch_type=${launchType}`,
        `--snapshots=${directory}`,
      ],
      'NODES',
      () => Promise.resolve(),
    );
    const { total, groups } = summariseSnapshot(`${directory}/producer.0.heapsnapshot`);
    snapshots[`producer under ${launchType}`] = { total, ...Object.fromEntries(groups) };
  }
  printSnapshots(snapshots);
}

writeFileSync(
  fileURLToPath(new URL('results-footprint.json', import.meta.url)),
  `${JSON.stringify({ summary, entries: entryRows, rounds, phases: phaseTable, longRuns, snapshots }, null, 2)}\n`,
);
