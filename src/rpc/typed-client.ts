/**
 * @module
 * The run-time side of {@link Client}: a `Proxy` that turns `client.method(...args)` into
 * `rpcClient.call('method', args)`.
 */
import { LaunchpadError } from '../errors/errors.ts';
import type { CallOptions } from './call-options.ts';
import { clientCore, registerClient } from './client-registry.ts';
import type { Client } from './client-type.ts';
import type { RpcClient } from './rpc-client.ts';

// Names a proxy must not answer with a method stub: `then` would make the client look like
// a promise to `await`, `toJSON` would break JSON.stringify, and inspection probes these.
const NOT_METHODS = new Set(['then', 'toJSON', 'constructor', 'inspect', 'asymmetricMatch']);

/** Wraps an untyped client in the typed proxy. */
export function createClient<TService>(core: RpcClient): Client<TService> {
  const stubs = new Map<string, (...args: unknown[]) => Promise<unknown>>();
  const proxy = new Proxy(Object.create(null) as object, {
    get(_target, property) {
      if (typeof property !== 'string' || NOT_METHODS.has(property)) return undefined;
      let stub = stubs.get(property);
      if (stub === undefined) {
        stub = (...args: unknown[]) => core.call(property, args);
        stubs.set(property, stub);
      }
      return stub;
    },
  });
  registerClient(proxy, core);
  return proxy as Client<TService>;
}

/**
 * A view of `client` whose calls use other options: a per-call override when used inline,
 * or a client with other defaults when kept.
 *
 * @example
 * ```ts
 * const result = await lp.withOptions(producer, { timeoutMs: 500 }).work(1);
 * ```
 */
export function withOptions<TClient extends Client<unknown>>(
  client: TClient,
  options: CallOptions,
): TClient {
  const core = clientCore(client);
  if (core === undefined) {
    throw new LaunchpadError(
      'INVALID_ARGUMENT',
      'withOptions() expects a client made by launchpad-ts (a dereferenced handle or ' +
        'running.client(handle)); got something else.',
    );
  }
  return createClient(core.withDefaults(options)) as TClient;
}
