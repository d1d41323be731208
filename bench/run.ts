/**
 * `npm run bench`: measures launchpad-ts against its baselines, prints a table with the
 * ratios the targets are stated in, and writes the same figures to bench/results.json.
 *
 * Every transport runs in a fresh process (and its server in another), interleaved over
 * BENCH_ROUNDS rounds (default 2), and each figure is the median over the rounds, so
 * that drift on a shared machine hits every transport alike.
 */
import { spawn } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { LAUNCH_TYPES } from 'launchpad-ts';
import type { Figures } from './measure.ts';
import { loadavg } from 'node:os';
import { LP_METRICS_OFF, LP_TCP, RAW_UNIX, printTable, ratios } from './table.ts';
import { median } from './stats.ts';

const ROUNDS = Number(process.env['BENCH_ROUNDS'] ?? 2);
const here = (path: string): string => fileURLToPath(new URL(path, import.meta.url));

/** One transport: a label and the suite script (with arguments) that measures it. */
interface Suite {
  readonly name: string;
  readonly args: readonly string[];
  /** Environment variables the suite runs with, besides this process's. */
  readonly env?: Readonly<Record<string, string>>;
}

const suites: Suite[] = [
  // What a user gets on one host: nodes call each other over Unix sockets.
  { name: 'launchpad-ts processes', args: [here('suites/launchpad.ts'), 'processes'] },
  // The same over TCP (what nodes on different hosts use), from the same run.
  {
    name: LP_TCP,
    args: [here('suites/launchpad.ts'), 'processes'],
    env: { LP_UNIX_SOCKETS: '0' },
  },
  // The same, with metrics off: what metrics (on by default) cost, from the same run.
  {
    name: LP_METRICS_OFF,
    args: [here('suites/launchpad.ts'), 'processes'],
    env: { LP_METRICS: '0' },
  },
  // The slot for the `threads` launch type: measured as soon as the launch type exists.
  ...((LAUNCH_TYPES as readonly string[]).includes('threads')
    ? [{ name: 'launchpad-ts threads', args: [here('suites/launchpad.ts'), 'threads'] }]
    : []),
  { name: 'raw msgpackr/TCP', args: [here('suites/raw-tcp.ts')] },
  { name: RAW_UNIX, args: [here('suites/raw-tcp.ts'), 'unix'] },
  { name: 'raw socket', args: [here('suites/raw-socket.ts')] },
  { name: 'raw framed socket', args: [here('suites/raw-framed.ts')] },
  { name: 'raw MessagePort', args: [here('suites/message-port.ts')] },
  { name: '@grpc/grpc-js', args: [here('suites/grpc.ts')] },
];

function runNode(
  args: readonly string[],
  timeoutMs: number,
  env: Readonly<Record<string, string>> = {},
): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', ...args], {
      stdio: ['ignore', 'pipe', 'inherit'],
      env: { ...process.env, ...env },
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('exit', (code) => {
      clearTimeout(timer);
      if (code === 0) resolve(output);
      else reject(new Error(`${args.join(' ')} exited with ${String(code)}:\n${output}`));
    });
  });
}

// The machine is shared: the load it had is part of every figure.
const load = (): string =>
  loadavg()
    .map((value) => value.toFixed(2))
    .join(', ');
const loadBefore = load();
console.log(`load average before: ${loadBefore}`);
const started = performance.now();
const samples = new Map<string, Figures[]>(suites.map((suite) => [suite.name, []]));
for (let round = 1; round <= ROUNDS; round++) {
  for (const suite of suites) {
    process.stderr.write(`round ${round}/${ROUNDS}: ${suite.name}\n`);
    const output = await runNode(suite.args, 150_000, suite.env);
    const line = output.split('\n').findLast((text) => text.startsWith('RESULT '));
    if (line === undefined) throw new Error(`${suite.name} printed no RESULT line:\n${output}`);
    samples.get(suite.name)?.push(JSON.parse(line.slice('RESULT '.length)) as Figures);
  }
}

const results: Record<string, Figures> = {};
for (const [name, runs] of samples) {
  const keys = Object.keys(runs[0] ?? {}) as (keyof Figures)[];
  results[name] = Object.fromEntries(
    // A figure a transport does not have is NaN (null in JSON).
    keys.map((key) => [key, median(runs.map((run) => (run[key] as number | null) ?? Number.NaN))]),
  ) as unknown as Figures;
}
const computed = ratios(results);
printTable(results, computed);
const loadAfter = load();
console.log(`load average after: ${loadAfter}`);

// The ML shapes: each prints its own figures with their same-run baselines and ratios
// (not with BENCH_SMALL_ONLY=1, which measures the small calls alone).
const shapes: Record<string, string> = {};
const smallOnly = process.env['BENCH_SMALL_ONLY'] === '1';
for (const [name, timeoutMs] of [
  ['busy-service.ts', 240_000],
  ['broadcast.ts', 180_000],
  ['replay.ts', 90_000],
] as const) {
  if (smallOnly || !existsSync(here(name))) continue;
  console.log(`\nbench/${name}:`);
  const output = await runNode([here(name)], timeoutMs).catch((error: unknown) => String(error));
  shapes[name] = output;
  console.log(output.trimEnd());
}
const replay = shapes['replay.ts'];

const seconds = (performance.now() - started) / 1_000;
writeFileSync(
  here('results.json'),
  `${JSON.stringify(
    {
      date: new Date().toISOString(),
      node: process.version,
      rounds: ROUNDS,
      seconds,
      loadAverage: { before: loadBefore, after: loadAfter },
      units: {
        rttMedianUs: 'µs',
        rttP99Us: 'µs',
        throughput: 'calls/s, 64 in flight',
        echoMBps: 'MB/s, 1 MiB Float32Array, both directions',
        echo64MBps: 'MB/s, 64 MiB Float32Array, both directions',
        batchedPerSec: 'calls/s, 32 clients, batches of 32',
      },
      results,
      ratios: computed,
      replay,
      busyService: shapes['busy-service.ts'],
      broadcast: shapes['broadcast.ts'],
    },
    null,
    2,
  )}\n`,
);
console.log(`\nWrote bench/results.json (${seconds.toFixed(0)} s).`);
