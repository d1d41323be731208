/**
 * The batching example from Launchpad: N clients call one server, whose `compute` method
 * is batched, so the server sees the calls of all clients as one batch and answers each
 * client with its own row of the result.
 */
import * as lp from 'launchpad-ts';

/** Adds one to every element; handles the calls of all clients together. */
export class Server {
  /** What clients call: one vector in, that vector plus one out. */
  readonly compute: lp.BatchedMethod<[number[]], number[]>;

  /** @param batchSize - how many calls to gather into one batch */
  constructor(batchSize: number) {
    // Launchpad wraps the method in the constructor; so does this port. The timeout only
    // matters while clients come up (after that every batch fills at once).
    this.compute = lp.batched(this._compute.bind(this), { batchSize, timeoutMs: 200 });
  }

  /** One row per call: the batch's first argument of every call, stacked. */
  _compute(xs: number[][]): number[][] {
    return xs.map((x) => x.map((value) => value + 1));
  }
}

/** Calls the server a few times, checks every answer, then stops the program. */
export class Client {
  constructor(
    private readonly server: lp.Client<Server>,
    private readonly rounds = 10,
  ) {}

  /** Runs once every node is up. */
  async run(): Promise<void> {
    const { nodeId } = lp.context();
    try {
      for (let round = 0; round < this.rounds; round++) {
        const x = [round, round + 1];
        const result = await this.server.compute(x);
        const expected = x.map((value) => value + 1);
        if (result.length !== expected.length || result.some((v, i) => v !== expected[i])) {
          throw new Error(`${nodeId}: compute([${x.join(', ')}]) returned [${result.join(', ')}]`);
        }
      }
    } catch (error) {
      // Another client finished first and stopped the program: not a failure of this one.
      if (lp.stopSignal().aborted) return;
      throw error;
    }
    console.log(`${nodeId}: ${this.rounds} batched results checked`);
    lp.stop();
  }
}

/** Builds the program: one server batching the calls of `numClients` clients. */
export function makeProgram(numClients: number): lp.Program {
  const program = new lp.Program('batching');
  const server = program.addNode(new lp.ServiceNode(Server, numClients), 'server');
  program.group('client', () => {
    for (let i = 0; i < numClients; i++) program.addNode(new lp.ServiceNode(Client, server));
  });
  return program;
}
