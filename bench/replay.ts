/**
 * The replay benchmark: `npx tsx bench/replay.ts`. Prints a table and writes
 * `bench/results-replay.json`.
 *
 * 1. Over RPC, under the processes launcher: 4 client processes insert 1 KiB items into
 *    one replay node, then sample them, each keeping several calls in flight.
 * 2. In-process: batches of 256 from a prioritized table of 1M items.
 *
 * The RPC part runs first on purpose: node processes re-run this script up to its
 * launch() call, so nothing expensive may come before it.
 */
import { writeFileSync } from 'node:fs';
import * as lp from 'launchpad-ts';
import { RateLimiters, Removers, ReplayService, Samplers } from 'launchpad-ts/replay';
import { BENCH_TABLE, ITEM_BYTES, makeBenchProgram } from './replay-nodes.ts';

const NUM_CLIENTS = 4;
const RPC_PHASE_MS = 5_000;
const CALLS_IN_FLIGHT = 8;
const RPC_SAMPLE_BATCH = 16;
const TABLE_SIZE = 1_000_000;
const BATCH = 256;
const SAMPLE_PHASE_MS = 5_000;

interface Row {
  readonly name: string;
  readonly value: number;
  readonly unit: string;
}

async function rpcBenchmark(): Promise<Row[]> {
  const { program, replay, clients } = makeBenchProgram(NUM_CLIENTS);
  const running = lp.launch(program, { launchType: 'processes' });
  try {
    await running.ready;
    const callers = clients.map((handle) => running.client(handle));
    // Warm up connections and JITs before timing.
    await Promise.all(callers.map((client) => client.insertFor(300, 2)));
    const inserted = await Promise.all(
      callers.map((client) => client.insertFor(RPC_PHASE_MS, CALLS_IN_FLIGHT)),
    );
    const sampled = await Promise.all(
      callers.map((client) => client.sampleFor(RPC_PHASE_MS, CALLS_IN_FLIGHT, RPC_SAMPLE_BATCH)),
    );
    const info = await running.client(replay).info();
    const seconds = RPC_PHASE_MS / 1000;
    const sum = (values: number[]): number => values.reduce((a, b) => a + b, 0);
    console.error(`replay table after the RPC phase: ${info.tables[0]?.size ?? 0} items`);
    return [
      {
        name: `rpc insert 1 KiB, ${NUM_CLIENTS} clients`,
        value: sum(inserted) / seconds,
        unit: 'inserts/s',
      },
      {
        name: `rpc sample 1 KiB (batch ${RPC_SAMPLE_BATCH}), ${NUM_CLIENTS} clients`,
        value: sum(sampled) / seconds,
        unit: 'samples/s',
      },
    ];
  } finally {
    await running.stop();
  }
}

async function inProcessBenchmark(): Promise<Row[]> {
  const replay = new ReplayService({
    seed: 1,
    tables: [
      {
        name: BENCH_TABLE,
        maxSize: TABLE_SIZE,
        sampler: Samplers.prioritized(0.6),
        remover: Removers.fifo(),
        rateLimiter: RateLimiters.minSize(1),
      },
    ],
  });
  const fillStart = performance.now();
  const pending: Promise<number>[] = [];
  for (let i = 0; i < TABLE_SIZE; i++) {
    pending.push(replay.insert(i, { [BENCH_TABLE]: 1 + (i % 100) }));
    // Settle in slices so a million pending promises never pile up.
    if (pending.length === 10_000) await Promise.all(pending.splice(0));
  }
  await Promise.all(pending);
  const fillSeconds = (performance.now() - fillStart) / 1000;
  let batches = 0;
  const start = performance.now();
  while (performance.now() - start < SAMPLE_PHASE_MS) {
    await replay.sample(BENCH_TABLE, BATCH);
    batches++;
  }
  const seconds = (performance.now() - start) / 1000;
  return [
    {
      name: `in-process fill of a prioritized table (${TABLE_SIZE} items)`,
      value: TABLE_SIZE / fillSeconds,
      unit: 'inserts/s',
    },
    {
      name: `in-process sample, batch ${BATCH}, ${TABLE_SIZE} prioritized items`,
      value: (batches * BATCH) / seconds,
      unit: 'samples/s',
    },
    {
      name: `in-process sample, batch ${BATCH}, ${TABLE_SIZE} prioritized items`,
      value: batches / seconds,
      unit: 'batches/s',
    },
  ];
}

const rows = [...(await rpcBenchmark()), ...(await inProcessBenchmark())];
const width = Math.max(...rows.map((row) => row.name.length));
console.log(`${'benchmark'.padEnd(width)}  ${'value'.padStart(12)}  unit`);
for (const row of rows) {
  console.log(
    `${row.name.padEnd(width)}  ${Math.round(row.value).toLocaleString('en-US').padStart(12)}  ${row.unit}`,
  );
}
const results = {
  benchmark: 'replay',
  date: new Date().toISOString(),
  node: process.version,
  itemBytes: ITEM_BYTES,
  results: rows.map((row) => ({ ...row, value: Math.round(row.value) })),
};
writeFileSync(
  new URL('./results-replay.json', import.meta.url),
  `${JSON.stringify(results, null, 2)}\n`,
);
