/**
 * Calls/s at 64 in flight to one `processes` node, for `bench/tracing-overhead.ts`. The
 * library comes from `BENCH_LAUNCHPAD` (a path to another tree's `src/index.ts`, for the
 * code before a change) or from this package. With `LP_TRACING=1`, this script (which
 * the node's process re-runs) registers the OpenTelemetry 2.x SDK with a batching span
 * processor and an exporter that drops the spans, as a user's setup would, so the figure
 * includes making, propagating and exporting every span.
 */
import { pathToFileURL } from 'node:url';
import type * as Launchpad from 'launchpad-ts';
import { IN_FLIGHT } from '../measure.ts';

const WARM_UP_CALLS = 2_000;
const WINDOW_MS = 1_500;

if (process.env['LP_TRACING'] === '1') {
  const { BatchSpanProcessor } = await import('@opentelemetry/sdk-trace-base');
  const { NodeTracerProvider } = await import('@opentelemetry/sdk-trace-node');
  // Drops the spans it is given, reporting success (ExportResultCode.SUCCESS is 0).
  const exporter = {
    export: (_spans: unknown[], done: (result: { code: number }) => void) => {
      done({ code: 0 });
    },
    shutdown: () => Promise.resolve(),
  };
  new NodeTracerProvider({ spanProcessors: [new BatchSpanProcessor(exporter)] }).register();
}

const source = process.env['BENCH_LAUNCHPAD'];
const lp = (
  source === undefined ? await import('launchpad-ts') : await import(pathToFileURL(source).href)
) as typeof Launchpad;

/** Answers pings. */
export class Pinger {
  /** Returns its argument. */
  ping(value: number): number {
    return value;
  }
}

// Only the launcher measures; a node process re-runs this script for `Pinger` alone.
lp.main(async () => {
  const program = new lp.Program('traced-calls');
  const pinger = program.addNode(new lp.ServiceNode(Pinger), 'pinger');
  await using running = lp.launch(program, { launchType: 'processes' });
  await running.ready;
  const client = running.client(pinger);
  for (let i = 0; i < WARM_UP_CALLS; i++) await client.ping(i);

  // IN_FLIGHT lanes, each starting its next call when its last returns, for the window.
  const end = performance.now() + WINDOW_MS;
  const start = performance.now();
  let count = 0;
  await Promise.all(
    Array.from({ length: IN_FLIGHT }, async (_, lane) => {
      while (performance.now() < end) {
        if ((await client.ping(lane)) !== lane) throw new Error('wrong answer');
        count++;
      }
    }),
  );
  const callsPerSec = count / ((performance.now() - start) / 1_000);
  console.log(`RESULT ${JSON.stringify({ callsPerSec })}`);
});
