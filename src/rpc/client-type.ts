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
 * A client of a service node whose instance is a `TService`: every public method becomes
 * `(...args) => Promise<Awaited<R>>`, and everything else is dropped.
 *
 * @example
 * ```ts
 * class Consumer {
 *   constructor(private readonly producers: lp.Client<Producer>[]) {}
 *   async run() { console.log(await this.producers[0]!.work(1)); }
 * }
 * ```
 */
export type Client<TService> = {
  readonly [TKey in ServiceMethodName<TService>]: TService[TKey] extends (
    ...args: infer TArgs
  ) => infer TResult
    ? (...args: TArgs) => Promise<Awaited<TResult>>
    : never;
} & { readonly [serviceType]: TService };

/** The service type of a {@link Client}, or `never` for anything else. */
export type ServiceOfClient<TValue> = TValue extends { readonly [serviceType]: infer TService }
  ? TService
  : never;
