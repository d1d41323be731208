/**
 * `npx tsx bench/startup/timeline.ts`: where one launch of the startup benchmark's
 * program goes, phase by phase, from the command's start to `READY`. It runs the program
 * (BENCH_TIMELINE_PRODUCERS producers, default 16, so 17 nodes) under
 * BENCH_TIMELINE_LAUNCH_TYPE (default `threads`) BENCH_TIMELINE_RUNS times (default 3),
 * from the TypeScript entry through tsx as users run it (BENCH_TIMELINE_ENTRY=compiled for
 * the compiled one), with `timeline-probe.ts` preloaded, and prints each phase's time
 * from the command's start: the launcher's phases, and for the nodes the first, the
 * median and the last node to reach each phase (medians over the runs), with the CPU time
 * the launcher's main thread (or a node's own thread, median over the nodes) had run by
 * then (`cpu`, Linux only).
 * BENCH_TIMELINE_FLAGS adds Node flags to the launcher (`--cpu-prof --cpu-prof-dir=…`).
 */
import { spawn } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import ts from 'typescript';
import { median } from '../stats.ts';

const PRODUCERS = Number(process.env['BENCH_TIMELINE_PRODUCERS'] ?? 16);
const LAUNCH_TYPE = process.env['BENCH_TIMELINE_LAUNCH_TYPE'] ?? 'threads';
const RUNS = Number(process.env['BENCH_TIMELINE_RUNS'] ?? 3);
const ENTRY = process.env['BENCH_TIMELINE_ENTRY'] ?? 'tsx';
const FLAGS = (process.env['BENCH_TIMELINE_FLAGS'] ?? '').split(' ').filter(Boolean);
const here = (path: string): string => fileURLToPath(new URL(path, import.meta.url));
const build = here('../.build/');
mkdirSync(build, { recursive: true });

function transpile(name: string): string {
  const { outputText } = ts.transpileModule(readFileSync(here(`${name}.ts`), 'utf8'), {
    compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
  });
  const path = join(build, `${name}.js`);
  writeFileSync(path, outputText);
  return path;
}

const probe = pathToFileURL(transpile('timeline-probe')).href;
let entry: string[];
if (ENTRY === 'compiled') {
  entry = [transpile('producers-program')];
} else {
  copyFileSync(here('producers-program.ts'), join(build, 'producers-program.ts'));
  const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
  entry = ['--import', tsx, join(build, 'producers-program.ts')];
}

interface Event {
  readonly t: number;
  readonly cpu?: number;
  readonly thread: number;
  readonly event: string;
  readonly nodeId?: string;
}

/** Runs the program once; returns its events, with times from the command's start. */
function runOnce(file: string): Promise<{ events: Event[]; ready: number }> {
  rmSync(file, { force: true });
  return new Promise((resolve, reject) => {
    const started = performance.timeOrigin + performance.now();
    const child = spawn(
      process.execPath,
      [
        ...FLAGS,
        ...entry.slice(0, -1),
        '--import',
        probe,
        ...entry.slice(-1),
        `--producers=${String(PRODUCERS)}`,
        `--lp_launch_type=${LAUNCH_TYPE}`,
      ],
      { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, BENCH_TIMELINE_FILE: file } },
    );
    let ready: number | undefined;
    let output = '';
    const collect = (chunk: Buffer): void => {
      output += chunk.toString();
      if (ready === undefined && /^(\[consumer\/0\] )?READY$/m.test(output)) {
        ready = performance.timeOrigin + performance.now() - started;
      }
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    child.once('exit', (code) => {
      if (ready === undefined || code !== 0) {
        reject(new Error(`The program ended with ${String(code)}:\n${output}`));
        return;
      }
      const events = readFileSync(file, 'utf8')
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line) as Event)
        .map((event) => ({ ...event, t: event.t - started }));
      resolve({ events, ready });
    });
  });
}

const LAUNCHER_PHASES = [
  'process-start',
  'probe-loaded',
  'launch-called',
  'backend-loaded',
  'code-located',
  'control-plane-up',
  'code-compiled',
  'ready',
];
const NODE_PHASES = [
  'node-starting',
  'node-started',
  'probe-loaded',
  'library-loaded',
  'connect-started',
  'connected',
  'spec-fetched',
  'code-loaded',
  'serving',
];

const rows = new Map<string, number[][]>();
const add = (name: string, values: number[]): void => {
  rows.set(name, [...(rows.get(name) ?? []), values]);
};
const loads = [loadavg()[0] ?? 0];
const file = join(build, 'timeline.jsonl');
for (let run = 1; run <= RUNS; run++) {
  process.stderr.write(`timeline run ${String(run)}/${String(RUNS)}\n`);
  const { events, ready } = await runOnce(file);
  const launcherThread = events.find((event) => event.event === 'process-start')?.thread ?? 0;
  const launcher = events.filter((event) => event.thread === launcherThread && !event.nodeId);
  for (const phase of LAUNCHER_PHASES) {
    const at = launcher.find((event) => event.event === phase);
    if (at !== undefined) add(`launcher: ${phase}`, [at.t, at.cpu ?? Number.NaN]);
  }
  // A node thread's events: the launcher's about it (by node id), then its own (by thread).
  const nodeOf = new Map<number, string>();
  for (const event of events) {
    if (event.thread !== launcherThread && event.nodeId !== undefined) {
      nodeOf.set(event.thread, event.nodeId);
    }
  }
  for (const phase of NODE_PHASES) {
    const reached = events.filter(
      (event) =>
        event.event === phase &&
        (event.thread === launcherThread ? event.nodeId !== undefined : nodeOf.has(event.thread)),
    );
    const times = reached.map((event) => event.t).sort((a, b) => a - b);
    // A node thread's own CPU time; the launcher's events about nodes carry the launcher's.
    const cpu = reached.every((event) => event.thread !== launcherThread)
      ? median(reached.map((event) => event.cpu ?? Number.NaN))
      : Number.NaN;
    if (times.length > 0) {
      add(`nodes: ${phase}`, [times[0] ?? 0, median(times), times[times.length - 1] ?? 0, cpu]);
    }
  }
  add('READY', [ready, Number.NaN]);
}
loads.push(loadavg()[0] ?? 0);
console.log(
  `\nTimeline of ${String(PRODUCERS + 1)} nodes under ${LAUNCH_TYPE}, ${ENTRY} entry: ms from ` +
    `the command's start, median of ${String(RUNS)} runs (load average ` +
    `${Math.min(...loads).toFixed(1)} to ${Math.max(...loads).toFixed(1)})`,
);
console.table(
  Object.fromEntries(
    [...rows].map(([name, runs]) => {
      const columns =
        (runs[0]?.length ?? 0) === 2 ? ['at', 'cpu'] : ['first', 'median', 'last', 'cpu'];
      return [
        name,
        Object.fromEntries(
          columns.flatMap((column, index) => {
            const value = Math.round(median(runs.map((values) => values[index] ?? 0)));
            return Number.isNaN(value) ? [] : [[column, value]];
          }),
        ),
      ];
    }),
  ),
);
