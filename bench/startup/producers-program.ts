/**
 * The program the startup benchmark launches: `--producers=N` producers and one consumer
 * that calls each once, prints `READY` when every producer has answered, and stops the
 * program. It is compiled to JavaScript and run with plain `node`, as a user's would be.
 */
import * as lp from 'launchpad-ts';

/** Answers one call. */
export class Producer {
  work(index: number): number {
    return index;
  }
}

/** Calls every producer once, then stops the program. */
export class Consumer {
  constructor(private readonly producers: lp.Client<Producer>[]) {}

  async run(): Promise<void> {
    const answers = await Promise.all(this.producers.map((producer, i) => producer.work(i)));
    if (answers.length !== this.producers.length) throw new Error('A producer did not answer.');
    console.log('READY');
    lp.stop();
  }
}

lp.main(async () => {
  const flag = process.argv.find((arg) => arg.startsWith('--producers='));
  const count = Number(flag?.slice('--producers='.length) ?? 16);
  const program = new lp.Program('startup');
  const producers = program.group('producer', () =>
    Array.from({ length: count }, () => program.addNode(new lp.ServiceNode(Producer))),
  );
  program.addNode(new lp.ServiceNode(Consumer, producers), 'consumer');
  await lp.launch(program, { terminationGraceMs: 2_000 }).wait();
});
