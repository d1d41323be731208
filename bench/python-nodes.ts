/**
 * Python nodes against TypeScript nodes, in one run (issue 26's performance figures): a
 * TypeScript caller (the launcher) calls a TypeScript BenchService node and a Python one
 * under `processes`, interleaved: sequential small calls (`ping`) and a 1 MiB
 * `Float32Array` echo; then how long a Python node takes to be ready, against a bare
 * `python3 -c 'import numpy, msgpack'`.
 *
 * Run: `npx tsx --conditions=launchpad-ts-source bench/python-nodes.ts` (LP_PYTHON picks the
 * interpreter; default /usr/bin/python3).
 */
import { spawnSync } from 'node:child_process';
import { loadavg } from 'node:os';
import * as lp from 'launchpad-ts';
import { BenchService } from './service.ts';

const PYTHON = process.env['LP_PYTHON'] ?? '/usr/bin/python3';
const ROUNDS = 3;
const SMALL_CALLS = 2_000;
const LARGE_CALLS = 20;

interface Pingable {
  ping(value: number): Promise<number>;
  echo(value: Float32Array): Promise<Float32Array>;
}

const median = (values: number[]): number =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? Number.NaN;

async function smallCallsPerSecond(client: Pingable): Promise<number> {
  for (let i = 0; i < 200; i++) await client.ping(i);
  const start = performance.now();
  for (let i = 0; i < SMALL_CALLS; i++) await client.ping(i);
  return SMALL_CALLS / ((performance.now() - start) / 1000);
}

async function echoMegabytesPerSecond(client: Pingable): Promise<number> {
  const array = new Float32Array(256 * 1024).fill(1.5);
  await client.echo(array);
  const start = performance.now();
  for (let i = 0; i < LARGE_CALLS; i++) await client.echo(array);
  // Both directions cross the wire.
  return (2 * array.byteLength * LARGE_CALLS) / 1e6 / ((performance.now() - start) / 1000);
}

const program = new lp.Program('bench-python');
const ts = program.addNode(new lp.ServiceNode(BenchService), 'ts');
const py = program.addNode(
  new lp.PythonNode<Pingable>('./python/bench_service.py', 'BenchService'),
  'py',
);
const running = lp.launch(program, { launchType: 'processes', python: PYTHON, metrics: false });
const clients = { ts: running.client(ts) as unknown as Pingable, py: running.client(py) };
const figures = {
  tsCalls: [] as number[],
  pyCalls: [] as number[],
  tsMb: [] as number[],
  pyMb: [] as number[],
};
for (let round = 0; round < ROUNDS; round++) {
  figures.tsCalls.push(await smallCallsPerSecond(clients.ts));
  figures.pyCalls.push(await smallCallsPerSecond(clients.py));
  figures.tsMb.push(await echoMegabytesPerSecond(clients.ts));
  figures.pyMb.push(await echoMegabytesPerSecond(clients.py));
}
await running.stop();

// Readiness: a launch of one Python node until it serves, against a bare import.
const ready: number[] = [];
const bare: number[] = [];
for (let round = 0; round < ROUNDS; round++) {
  let start = performance.now();
  spawnSync(PYTHON, ['-c', 'import numpy, msgpack'], { stdio: 'ignore' });
  bare.push(performance.now() - start);
  const single = new lp.Program('bench-python-ready');
  const node = single.addNode(
    new lp.PythonNode<Pingable>('./python/bench_service.py', 'BenchService'),
    'py',
  );
  start = performance.now();
  const launched = lp.launch(single, { launchType: 'processes', python: PYTHON, metrics: false });
  await launched.client(node).ping(1);
  ready.push(performance.now() - start);
  await launched.stop();
}

const rows = {
  'sequential small calls/s': [median(figures.tsCalls), median(figures.pyCalls)],
  '1 MiB echo MB/s': [median(figures.tsMb), median(figures.pyMb)],
};
console.log(
  `load average ${loadavg()
    .map((value) => value.toFixed(1))
    .join(' ')}, ${ROUNDS} rounds, medians`,
);
for (const [name, [tsValue = 0, pyValue = 0]] of Object.entries(rows)) {
  console.log(
    `${name}: TypeScript → TypeScript ${tsValue.toFixed(0)}, TypeScript → Python ${pyValue.toFixed(0)}, ratio ${(pyValue / tsValue).toFixed(2)}× (target ≥ 0.5)`,
  );
}
console.log(
  `Python node ready (launch to first answer) ${median(ready).toFixed(0)} ms; bare import numpy, msgpack ${median(bare).toFixed(0)} ms; ratio ${(median(ready) / median(bare)).toFixed(2)}× (target ≤ 2)`,
);
