/**
 * launchpad-ts under one launch type (the first argument): this process is the launcher
 * and the caller; the service runs wherever the launch type puts it (its own process for
 * `processes`).
 */
import * as lp from 'launchpad-ts';
import { measure, report, type Transport } from '../measure.ts';
import { makeBenchProgram } from '../service.ts';

const launchType = (process.argv[2] ?? 'processes') as lp.LaunchType;
const { program, bench } = makeBenchProgram();
// Under `processes` the node process re-runs this script; launch() hands it its node.
await using running = lp.launch(program, { launchType });
await running.ready;
const client = running.client(bench);
const transport: Transport = {
  ping: (value) => client.ping(value),
  echo: (value) => client.echo(value),
  compute: (value) => client.compute(value),
  // The echoed array's memory takes the next reply (see docs/rpc.md, large values);
  // LP_BENCH_NO_RECYCLE=1 measures without giving memory back, on both sides.
  ...(process.env['LP_BENCH_NO_RECYCLE'] === '1'
    ? {}
    : {
        recycle: (value: Float32Array) => {
          lp.recycle(value);
        },
      }),
};
report(await measure(transport));
