/**
 * Type-level tests of how Client<T> maps streaming methods, checked by `tsc -p .`.
 */
import type * as lp from 'launchpad-ts';
import { describe, expectTypeOf, it } from 'vitest';

class Source {
  async *values(count: number): AsyncGenerator<Float32Array> {
    await Promise.resolve();
    for (let i = 0; i < count; i++) yield new Float32Array(i);
  }
  iterable(prefix: string): AsyncIterable<string> {
    return (async function* () {
      await Promise.resolve();
      yield prefix;
    })();
  }
  async later(): Promise<AsyncIterable<number>> {
    await Promise.resolve();
    return (async function* () {
      await Promise.resolve();
      yield 1;
    })();
  }
  list(): number[] {
    return [1];
  }
  fail(): never {
    throw new Error('no');
  }
}

describe('Client<T> with streaming methods', () => {
  type SourceClient = lp.Client<Source>;

  it('maps AsyncGenerator and AsyncIterable results to AsyncIterable', () => {
    expectTypeOf<SourceClient['values']>().toEqualTypeOf<
      (count: number) => AsyncIterable<Float32Array>
    >();
    expectTypeOf<SourceClient['iterable']>().toEqualTypeOf<
      (prefix: string) => AsyncIterable<string>
    >();
    expectTypeOf<SourceClient['later']>().toEqualTypeOf<() => AsyncIterable<number>>();
  });

  it('keeps every other result a promise, including arrays and never', () => {
    expectTypeOf<SourceClient['list']>().toEqualTypeOf<() => Promise<number[]>>();
    expectTypeOf<SourceClient['fail']>().toEqualTypeOf<() => Promise<never>>();
  });

  it('rejects using a stream as a promise and a promise as a stream', () => {
    /* eslint-disable @typescript-eslint/no-unsafe-call, @typescript-eslint/no-meaningless-void-operator */
    const client = {} as SourceClient;
    return () => {
      // @ts-expect-error: a stream is iterated, not awaited with .then
      void client.values(3).then(() => undefined);
      // @ts-expect-error: arguments keep their types
      void client.values('3');
      // @ts-expect-error: a single value cannot be iterated
      for (const _ of client.list()) void _;
    };
    /* eslint-enable @typescript-eslint/no-unsafe-call, @typescript-eslint/no-meaningless-void-operator */
  });
});
