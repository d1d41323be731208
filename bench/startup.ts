/**
 * `npm run bench` (startup suite): the time from a command's start to every producer
 * having answered the consumer, for 1, 16 and 64 producers under `in-process`, `threads`
 * and `processes`, each with its floor from the same run: as many bare `node` processes
 * (or bare worker threads) as the program has nodes, each connecting back once. The
 * `in-process` floor is one bare process. Rounds are interleaved (BENCH_ROUNDS, default 2),
 * and each figure is the median. The programs are compiled to JavaScript and run with
 * plain `node`, as a user's compiled program is.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { median } from './stats.ts';

const ROUNDS = Number(process.env['BENCH_ROUNDS'] ?? 2);
const SIZES = (process.env['BENCH_STARTUP_SIZES'] ?? '1,16,64').split(',').map(Number);
const LAUNCH_TYPES = ['in-process', 'threads', 'processes'] as const;
const here = (path: string): string => fileURLToPath(new URL(path, import.meta.url));
// Inside the package, so that `import 'launchpad-ts'` resolves to its compiled dist.
const BUILD = here('.build/');

/** Compiles one benchmark script to JavaScript under bench/.build and returns its path. */
function compile(name: string): string {
  const source = readFileSync(here(`startup/${name}.ts`), 'utf8');
  const { outputText } = ts.transpileModule(source, {
    compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
  });
  mkdirSync(BUILD, { recursive: true });
  const path = `${BUILD}${name}.js`;
  writeFileSync(path, outputText);
  return path;
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

const program = compile('producers-program');
const floor = compile('floor');
const samples = new Map<string, number[]>();
const record = (key: string, ms: number): void => {
  samples.set(key, [...(samples.get(key) ?? []), ms]);
};
for (let round = 1; round <= ROUNDS; round++) {
  for (const size of SIZES) {
    const nodes = size + 1;
    for (const launchType of LAUNCH_TYPES) {
      process.stderr.write(`startup round ${round}/${ROUNDS}: ${size} producers, ${launchType}\n`);
      record(
        `${launchType} ${size}`,
        await timeToReady([program, `--producers=${size}`, `--lp_launch_type=${launchType}`]),
      );
    }
    record(`floor processes ${nodes}`, await timeToReady([floor, 'processes', String(nodes)]));
    record(`floor threads ${nodes}`, await timeToReady([floor, 'threads', String(nodes)]));
  }
  record('floor processes 1', await timeToReady([floor, 'processes', '1']));
}

const rows: Record<string, { ms: number; floorMs: number; ratio: number }> = {};
for (const size of SIZES) {
  for (const launchType of LAUNCH_TYPES) {
    const ms = median(samples.get(`${launchType} ${size}`) ?? []);
    const floorKey =
      launchType === 'in-process'
        ? 'floor processes 1'
        : `floor ${launchType === 'threads' ? 'threads' : 'processes'} ${size + 1}`;
    const floorMs = median(samples.get(floorKey) ?? []);
    rows[`${launchType}, ${size} producers`] = { ms, floorMs, ratio: ms / floorMs };
  }
}
console.log(
  '\nStartup: command start → every producer answered (median ms; floor in the same run)',
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
