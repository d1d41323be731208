/**
 * Parameter broadcast through variables: one learner publishes 4 MB of parameters, eight
 * readers (each its own process) fetch every new version:
 * `npx tsx bench/variables-broadcast.ts [--lp_launch_type=processes] [--versions=10]`.
 * Prints the MB/s received by all readers together. Bounded by the number of versions.
 */
import { parseArgs } from 'node:util';
import * as lp from 'launchpad-ts';

const PARAMETER_BYTES = 4 * 1024 * 1024;
const READERS = 8;

/** Publishes a new version of 4 MB of parameters on request. */
export class BroadcastLearner {
  readonly #variables = new lp.VariableStore<{ params: Float32Array }>();

  /** Publishes the next version. */
  publish(): number {
    const params = new Float32Array(PARAMETER_BYTES / 4).fill(this.#variables.version + 1);
    return this.#variables.publish({ params });
  }

  /** What readers call. */
  fetchVariables(sinceVersion: number): lp.VariableUpdate<{ params: Float32Array }> | null {
    return this.#variables.fetchVariables(sinceVersion);
  }
}

/** Follows the learner's parameters. */
export class BroadcastReader {
  readonly #variables: lp.VariableClient<{ params: Float32Array }>;

  constructor(learner: lp.Client<BroadcastLearner>) {
    this.#variables = new lp.VariableClient(learner);
  }

  /** Fetches until it holds `version`; returns the bytes received. */
  async catchUp(version: number): Promise<number> {
    await this.#variables.updateAndWait();
    if (this.#variables.version !== version) {
      throw new Error(`reader holds version ${this.#variables.version}, expected ${version}`);
    }
    return this.#variables.values?.params.byteLength ?? 0;
  }
}

const { values } = parseArgs({ strict: false, options: { versions: { type: 'string' } } });
const versions = Number(values.versions ?? 10);
const program = new lp.Program('broadcast');
const learner = program.addNode(new lp.ServiceNode(BroadcastLearner), 'learner');
const readers = Array.from({ length: READERS }, () =>
  program.addNode(new lp.ServiceNode(BroadcastReader, learner), 'reader'),
);
const running = lp.launch(program);
try {
  await running.ready;
  const learnerClient = running.client(learner);
  const readerClients = readers.map((reader) => running.client(reader, { timeoutMs: 120_000 }));
  // A warm-up round: connections and the first allocation are not measured.
  await learnerClient.publish();
  await Promise.all(readerClients.map((reader) => reader.catchUp(1)));
  let bytes = 0;
  let seconds = 0;
  for (let i = 0; i < versions; i++) {
    const version = await learnerClient.publish();
    const start = performance.now();
    const received = await Promise.all(readerClients.map((reader) => reader.catchUp(version)));
    seconds += (performance.now() - start) / 1000;
    bytes += received.reduce((sum, n) => sum + n, 0);
  }
  const megabytes = bytes / 1024 / 1024;
  console.log(
    JSON.stringify({
      launchType: running.launchType,
      readers: READERS,
      parameterMB: PARAMETER_BYTES / 1024 / 1024,
      versions,
      receivedMB: megabytes,
      seconds: Number(seconds.toFixed(2)),
      mbPerSecond: Number((megabytes / seconds).toFixed(1)),
      load: (await import('node:os')).loadavg()[0],
    }),
  );
} finally {
  await running.stop();
}
