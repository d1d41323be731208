/**
 * The consumer/producers example from Launchpad: one consumer fans work out to N
 * producers and gathers their results, then stops the program.
 */
import * as lp from 'launchpad-ts';

/** Does one unit of work. */
export class Producer {
  /** Returns its input: a stand-in for real work. */
  work(context: number): number {
    return context;
  }
}

/** Asks every producer for work, prints the results, and stops the program. */
export class Consumer {
  constructor(private readonly producers: lp.Client<Producer>[]) {}

  /** Runs once every node is up. */
  async run(): Promise<number[]> {
    const results = await Promise.all(this.producers.map((producer, i) => producer.work(i)));
    console.log('Results:', results);
    lp.stop();
    return results;
  }
}

/** Builds the program: `numProducers` producers and one consumer. */
export function makeProgram(numProducers: number): lp.Program {
  const program = new lp.Program('consumer_producers');
  const producers = program.group('producer', () =>
    Array.from({ length: numProducers }, () => program.addNode(new lp.ServiceNode(Producer))),
  );
  program.addNode(new lp.ServiceNode(Consumer, producers), 'consumer');
  return program;
}
