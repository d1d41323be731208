/**
 * The program the footprint benchmark measures at rest: `--producers=N` producers and one
 * consumer that calls each once, prints where every node runs and its V8 heap
 * (`NODES {…}`), then stays idle until the program is stopped (the benchmark sends the
 * launcher SIGINT once it has read every node's memory). Compiled to JavaScript and run
 * with plain `node`, as a user's program is.
 *
 * `--probe=<url>` gives every node process `--import <url>` (the benchmark's phase probe;
 * a worker thread does not run `--import` modules, so threads get none).
 * `--snapshots=<dir>` makes every node write a V8 heap snapshot of itself there before
 * `NODES` is printed: a snapshot costs memory, so that run is not the measured one.
 */
import { getHeapStatistics, writeHeapSnapshot } from 'node:v8';
import * as lp from 'launchpad-ts';

const option = (name: string): string | undefined =>
  process.argv.find((arg) => arg.startsWith(`--${name}=`))?.slice(name.length + 3);

/** Where a node runs and what its V8 heap holds. */
export interface NodeReport {
  readonly pid: number;
  readonly heapUsed: number;
  readonly heapTotal: number;
  readonly malloced: number;
  readonly external: number;
}

function report(): NodeReport {
  const heap = getHeapStatistics();
  return {
    pid: process.pid,
    heapUsed: heap.used_heap_size,
    heapTotal: heap.total_heap_size,
    malloced: heap.malloced_memory,
    external: heap.external_memory,
  };
}

function snapshot(): void {
  const directory = option('snapshots');
  if (directory !== undefined) {
    writeHeapSnapshot(`${directory}/${lp.context().nodeId.replace('/', '.')}.heapsnapshot`);
  }
}

/** Answers once with where it runs; writes its heap snapshot when asked to. */
export class Producer {
  report(): NodeReport {
    return report();
  }

  snapshot(): void {
    snapshot();
  }
}

/** Calls every producer once, reports every node, then idles until the stop. */
export class Consumer {
  constructor(private readonly producers: lp.Client<Producer>[]) {}

  async run(): Promise<void> {
    const reports = await Promise.all(this.producers.map((producer) => producer.report()));
    if (option('snapshots') !== undefined) {
      for (const producer of this.producers) await producer.snapshot();
      snapshot();
    }
    const nodes: Record<string, NodeReport> = { [lp.context().nodeId]: report() };
    reports.forEach((entry, index) => (nodes[`producer/${index}`] = entry));
    console.log(`NODES ${JSON.stringify(nodes)}`);
    await lp.waitForStop();
  }
}

lp.main(async () => {
  const count = Number(option('producers') ?? 8);
  const probe = option('probe');
  const program = new lp.Program('footprint');
  const producers = program.group('producer', () =>
    Array.from({ length: count }, () => program.addNode(new lp.ServiceNode(Producer))),
  );
  program.addNode(new lp.ServiceNode(Consumer, producers), 'consumer');
  const threads = process.argv.includes('--lp_launch_type=threads');
  const nodeFlags = probe === undefined || threads ? [] : [`--import=${probe}`];
  await lp
    .launch(program, {
      terminationGraceMs: 5_000,
      resources: { producer: { nodeFlags }, consumer: { nodeFlags } },
    })
    .wait();
});
