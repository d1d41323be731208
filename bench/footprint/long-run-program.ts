/**
 * The long run of the footprint benchmark: one service and one caller that makes
 * `--calls=N` calls to it (default 1,000,000), 32 in flight, for at most `--seconds=S`
 * (default 120). The caller asks the service for its RSS after the first 10,000 calls,
 * every 100,000 calls after that, and at the end, prints them (`LONGRUN {…}`), and stops
 * the program. Compiled to JavaScript and run with plain `node`.
 */
import * as lp from 'launchpad-ts';

const option = (name: string, fallback: number): number =>
  Number(
    process.argv.find((arg) => arg.startsWith(`--${name}=`))?.slice(name.length + 3) ?? fallback,
  );

/** One small step of work, and what its process holds. */
export class Service {
  step(update: { readonly step: number; readonly values: readonly number[] }): number {
    return update.step + update.values.length;
  }

  rss(): number {
    return process.memoryUsage.rss();
  }
}

/** Calls the service until the count or the time runs out. */
export class Caller {
  constructor(private readonly service: lp.Client<Service>) {}

  async run(): Promise<void> {
    const calls = option('calls', 1_000_000);
    const started = performance.now();
    const deadline = started + option('seconds', 120) * 1_000;
    const samples: { calls: number; rss: number }[] = [];
    const values = [0.5, 1.5, 2.5, 3.5, 4.5, 5.5, 6.5, 7.5];
    let made = 0;
    let nextSample = 10_000;
    const lane = async (): Promise<void> => {
      while (made < calls && performance.now() < deadline) {
        const step = made++;
        await this.service.step({ step, values });
        if (made >= nextSample) {
          nextSample += nextSample === 10_000 ? 90_000 : 100_000;
          samples.push({ calls: made, rss: await this.service.rss() });
        }
      }
    };
    await Promise.all(Array.from({ length: 32 }, lane));
    samples.push({ calls: made, rss: await this.service.rss() });
    const elapsedMs = performance.now() - started;
    console.log(`LONGRUN ${JSON.stringify({ calls: made, elapsedMs, samples })}`);
    lp.stop();
  }
}

lp.main(async () => {
  const program = new lp.Program('long-run');
  const service = program.addNode(new lp.ServiceNode(Service), 'service');
  program.addNode(new lp.ServiceNode(Caller, service), 'caller');
  // `--semi-space=MB` gives both nodes that young generation (`--max-semi-space-size`).
  const semiSpace = option('semi-space', 0);
  const nodeFlags = semiSpace > 0 ? [`--max-semi-space-size=${semiSpace}`] : [];
  await lp
    .launch(program, {
      terminationGraceMs: 5_000,
      resources: { service: { nodeFlags }, caller: { nodeFlags } },
    })
    .wait();
});
