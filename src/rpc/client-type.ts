/**
 * @module
 * The typed face of an RPC client: {@link Client} maps a service class to what a caller
 * may do with it over the network.
 */

// A phantom brand: it exists only in types, never at run time. It lets other types
// recognise a Client and recover the service type it was made from.
declare const serviceType: unique symbol;

/**
 * The names of `TService`'s public methods: function-valued, string-named members that do
 * not start with `_`. (TypeScript's `private` and `#private` members are not in `keyof`.)
 */
export type ServiceMethodName<TService> = {
  [TKey in keyof TService]-?: TKey extends `_${string}`
    ? never // underscore-prefixed members are private by convention, as in Launchpad
    : TKey extends string
      ? TService[TKey] extends (...args: never) => unknown
        ? TKey // a public method: callable over RPC
        : never // a data member: not reachable over RPC
      : never; // symbol and number keys are not RPC method names
}[keyof TService];

/**
 * What a caller gets back for a method that returns `TResult`:
 * - a stream for a method that returns an `AsyncIterable` (an async generator, say), or a
 *   promise of one: the values arrive one by one, with backpressure;
 * - a promise of the (awaited) value for everything else.
 */
export type RemoteResult<TResult> = [Awaited<TResult>] extends [never]
  ? Promise<never> // a method that never returns (it always throws)
  : 0 extends 1 & TResult
    ? Promise<Awaited<TResult>> // `any`: nothing is known, so it stays a promise of any
    : Awaited<TResult> extends AsyncIterable<infer TItem>
      ? AsyncIterable<TItem> // streamed: iterate it with for await
      : Promise<Awaited<TResult>>; // one value: await it

/**
 * A client of a service node whose instance is a `TService`: every public method becomes
 * `(...args) => Promise<Awaited<R>>`, or `(...args) => AsyncIterable<X>` when it returns
 * an `AsyncIterable<X>`; everything else is dropped.
 *
 * @example
 * ```ts
 * class Consumer {
 *   constructor(private readonly producers: lp.Client<Producer>[]) {}
 *   async run() {
 *     console.log(await this.producers[0]!.work(1));
 *     for await (const item of this.producers[0]!.items(10)) console.log(item);
 *   }
 * }
 * ```
 */
export type Client<TService> = {
  readonly [TKey in ServiceMethodName<TService>]: TService[TKey] extends (
    ...args: infer TArgs
  ) => infer TResult
    ? (...args: TArgs) => RemoteResult<TResult>
    : never;
} & { readonly [serviceType]: TService };

/** The service type of a {@link Client}, or `never` for anything else. */
export type ServiceOfClient<TValue> = TValue extends { readonly [serviceType]: infer TService }
  ? TService
  : never;
