/**
 * Type-level tests, checked by `tsc` (part of the test command): what a Client exposes,
 * which handles a node accepts, and the compile errors for misuse.
 */
import * as lp from 'launchpad-ts';
import { describe, expectTypeOf, it } from 'vitest';

class Producer {
  count = 0;
  work(context: number): number {
    return context;
  }
  async fetch(key: string): Promise<{ key: string; value: Float32Array }> {
    await Promise.resolve();
    return { key, value: new Float32Array(1) };
  }
  _internal(): void {
    this.count++;
  }
}

class Consumer {
  constructor(
    readonly producers: lp.Client<Producer>[],
    readonly options: { rounds: number; peer?: lp.Client<Producer> },
  ) {}
  run(): void {
    this.producers.length = 0;
  }
}

class Other {
  unrelated(): string {
    return '';
  }
}

describe('Client<T>', () => {
  it('maps public methods to promise-returning functions and drops everything else', () => {
    type ProducerClient = lp.Client<Producer>;
    expectTypeOf<ProducerClient['work']>().toEqualTypeOf<(context: number) => Promise<number>>();
    expectTypeOf<ProducerClient['fetch']>().toEqualTypeOf<
      (key: string) => Promise<{ key: string; value: Float32Array }>
    >();
    expectTypeOf<lp.ServiceMethodName<Producer>>().toEqualTypeOf<'work' | 'fetch'>();
  });

  it('rejects calls to missing methods, data members and private methods, and wrong arguments', () => {
    // Type-checked only: the function is never called. Its lines are compile errors on
    // purpose, so their values are error-typed.
    /* eslint-disable @typescript-eslint/no-unsafe-assignment */
    const misuse = (client: lp.Client<Producer>): void => {
      // @ts-expect-error: no such method
      const _missing = client.nope;
      // @ts-expect-error: data members are not reachable over RPC
      const _data = client.count;
      // @ts-expect-error: underscore-prefixed methods are private
      const _private = client._internal;
      // @ts-expect-error: wrong argument type
      void client.work('one');
      // @ts-expect-error: wrong argument count
      void client.work(1, 2);
      expectTypeOf(client.work(1)).toEqualTypeOf<Promise<number>>();
    };
    /* eslint-enable @typescript-eslint/no-unsafe-assignment */
    expectTypeOf(misuse).toBeFunction();
  });
});

describe('ServiceNode arguments', () => {
  it('accepts handles where the constructor takes clients, at any depth', () => {
    const program = new lp.Program('types');
    const producers = [program.addNode(new lp.ServiceNode(Producer), 'producer')];
    const node = new lp.ServiceNode(Consumer, producers, { rounds: 3, peer: producers[0]! });
    expectTypeOf(program.addNode(node, 'consumer')).toEqualTypeOf<lp.Handle<Consumer>>();
    expectTypeOf(producers).toEqualTypeOf<lp.Handle<Producer>[]>();
  });

  it('rejects the wrong handle type, wrong argument types and a wrong count', () => {
    const program = new lp.Program('types');
    const producer = program.addNode(new lp.ServiceNode(Producer), 'producer');
    const other = program.addNode(new lp.ServiceNode(Other), 'other');
    // @ts-expect-error: a Handle<Other> where Client<Producer>[] is expected
    new lp.ServiceNode(Consumer, [other], { rounds: 1 });
    // @ts-expect-error: rounds must be a number
    new lp.ServiceNode(Consumer, [producer], { rounds: 'many' });
    // @ts-expect-error: the options argument is missing
    new lp.ServiceNode(Consumer, [producer]);
    // @ts-expect-error: Producer's constructor takes no argument
    new lp.ServiceNode(Producer, 1);
  });

  it('types function nodes and their handle arguments the same way', () => {
    const program = new lp.Program('types');
    const producer = program.addNode(new lp.ServiceNode(Producer), 'producer');
    const main = async (p: lp.Client<Producer>, times: number): Promise<void> => {
      for (let i = 0; i < times; i++) await p.work(i);
    };
    program.addNode(new lp.FunctionNode(main, producer, 3), 'main');
    // @ts-expect-error: times must be a number
    new lp.FunctionNode(main, producer, '3');
  });

  it('gives running.client(handle) the same typed client', () => {
    const program = new lp.Program('types');
    const producer = program.addNode(new lp.ServiceNode(Producer), 'producer');
    expectTypeOf<lp.RunningProgram['client']>().toBeFunction();
    expectTypeOf<ReturnType<typeof _clientOf>>().toEqualTypeOf<lp.Client<Producer>>();
    function _clientOf(running: lp.RunningProgram) {
      return running.client(producer);
    }
  });
});
