/**
 * `npm run bench` (startup suite): the time from a command's start to every producer
 * having answered the consumer, for 1, 16 and 64 producers under `in-process`, `threads`
 * and `processes`, each with its floor from the same run: as many bare `node` processes
 * (or bare worker threads) as the program has nodes, each connecting back once. The
 * `in-process` floor is one bare process. Rounds are interleaved (BENCH_ROUNDS, default 2),
 * and each figure is the median.
 *
 * Two entries of the same program run in every round: compiled to JavaScript and run with
 * plain `node`, as a user's compiled program is, and its TypeScript run with tsx
 * (`node --import tsx producers-program.ts`), as most users run it. BENCH_STARTUP_BEFORE=<dir>
 * runs both entries against the launchpad-ts built in <dir> too (the code before a change,
 * with its own dist/ and node_modules), in the same rounds. The entries run in a rotated order,
 * one step further each round.
 */
import { spawn } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import ts from 'typescript';
import { median } from './stats.ts';

const ROUNDS = Number(process.env['BENCH_ROUNDS'] ?? 2);
const SIZES = (process.env['BENCH_STARTUP_SIZES'] ?? '1,16,64').split(',').map(Number);
const LAUNCH_TYPES = ['in-process', 'threads', 'processes'] as const;
const BEFORE = process.env['BENCH_STARTUP_BEFORE'];
const here = (path: string): string => fileURLToPath(new URL(path, import.meta.url));
const TSX = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;

/**
 * Compiles one benchmark script to JavaScript under `packageRoot`/bench/.build (inside the
 * package, so that `import 'launchpad-ts'` resolves to its compiled dist) and returns its path.
 */
function compile(name: string, packageRoot = here('../')): string {
  const source = readFileSync(here(`startup/${name}.ts`), 'utf8');
  const { outputText } = ts.transpileModule(source, {
    compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
  });
  const build = join(packageRoot, 'bench/.build/');
  mkdirSync(build, { recursive: true });
  const path = `${build}${name}.js`;
  writeFileSync(path, outputText);
  return path;
}

/** The arguments of `node` that run the program as TypeScript through tsx, from `packageRoot`. */
function typeScriptEntry(name: string, packageRoot = here('../')): string[] {
  const build = join(packageRoot, 'bench/.build/');
  mkdirSync(build, { recursive: true });
  const path = `${build}${name}.ts`;
  copyFileSync(here(`startup/${name}.ts`), path);
  return ['--import', TSX, path];
}

/** Runs `node args…` and returns the milliseconds from its start to its `READY` line. */
function timeToReady(args: readonly string[]): Promise<number> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let ready: number | undefined;
    let output = '';
    const collect = (chunk: Buffer): void => {
      output += chunk.toString();
      if (ready === undefined && /^(\[consumer\/0\] )?READY$/m.test(output)) {
        ready = performance.now() - started;
      }
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    const timer = setTimeout(() => child.kill('SIGKILL'), 180_000);
    child.once('exit', (code) => {
      clearTimeout(timer);
      if (ready !== undefined && code === 0) resolve(ready);
      else reject(new Error(`node ${args.join(' ')} ended with ${String(code)}:\n${output}`));
    });
  });
}

/** Each entry of the program: its name and the arguments of `node` that run it. */
const entries: [string, string[]][] = [
  ['compiled', [compile('producers-program')]],
  ['tsx', typeScriptEntry('producers-program')],
  ...(BEFORE === undefined
    ? []
    : ([
        ['compiled, before', [compile('producers-program', BEFORE)]],
        ['tsx, before', typeScriptEntry('producers-program', BEFORE)],
      ] as [string, string[]][])),
];
const floor = compile('floor');
const samples = new Map<string, number[]>();
const record = (key: string, ms: number): void => {
  samples.set(key, [...(samples.get(key) ?? []), ms]);
};
// The 1-minute load average at each round's start and at the end: the machine may be shared.
const loads: number[] = [];
for (let round = 1; round <= ROUNDS; round++) {
  loads.push(loadavg()[0] ?? 0);
  for (const size of SIZES) {
    const nodes = size + 1;
    for (const launchType of LAUNCH_TYPES) {
      // Each round starts with another entry: the first run of a block comes out slower
      // more often than not, which a fixed order would charge to one entry.
      const order = entries.map((_, index) => entries[(index + round - 1) % entries.length]);
      for (const [entry, args] of order.filter((item) => item !== undefined)) {
        process.stderr.write(
          `startup round ${round}/${ROUNDS}: ${size} producers, ${launchType}, ${entry}\n`,
        );
        record(
          `${launchType} ${size} ${entry}`,
          await timeToReady([...args, `--producers=${size}`, `--lp_launch_type=${launchType}`]),
        );
      }
    }
    record(`floor processes ${nodes}`, await timeToReady([floor, 'processes', String(nodes)]));
    record(`floor threads ${nodes}`, await timeToReady([floor, 'threads', String(nodes)]));
  }
  record('floor processes 1', await timeToReady([floor, 'processes', '1']));
}

const rows: Record<string, { ms: number; floorMs: number; ratio: number }> = {};
for (const size of SIZES) {
  for (const launchType of LAUNCH_TYPES) {
    const floorKey =
      launchType === 'in-process'
        ? 'floor processes 1'
        : `floor ${launchType === 'threads' ? 'threads' : 'processes'} ${size + 1}`;
    const floorMs = median(samples.get(floorKey) ?? []);
    for (const [entry] of entries) {
      const ms = median(samples.get(`${launchType} ${size} ${entry}`) ?? []);
      rows[`${launchType}, ${size} producers, ${entry}`] = { ms, floorMs, ratio: ms / floorMs };
    }
  }
}
loads.push(loadavg()[0] ?? 0);
console.log(
  '\nStartup: command start → every producer answered (median ms; floor in the same run; ' +
    `load average ${Math.min(...loads).toFixed(1)} to ${Math.max(...loads).toFixed(1)})`,
);
console.table(
  Object.fromEntries(
    Object.entries(rows).map(([name, row]) => [
      name,
      {
        ms: Math.round(row.ms),
        'floor ms': Math.round(row.floorMs),
        '× floor': row.ratio.toFixed(2),
      },
    ]),
  ),
);
writeFileSync(here('results-startup.json'), `${JSON.stringify(rows, null, 2)}\n`);
