/**
 * @module
 * Which objects are clients, and the untyped core behind each: filled by the typed proxy
 * (`createClient` in `typed-client.ts`) and read by whatever must tell a client from plain data (the wire
 * check refuses one as an argument). It imports nothing at run time, so the low-level
 * checks can ask "is this a client?" without loading the client itself.
 */
import type { RpcClient } from './rpc-client.ts';

const cores = new WeakMap<object, RpcClient>();

/** Records `client` as the typed proxy over `core`. */
export function registerClient(client: object, core: RpcClient): void {
  cores.set(client, core);
}

/** The untyped client behind a typed one, or `undefined` if `value` is not a client. */
export function clientCore(value: unknown): RpcClient | undefined {
  return typeof value === 'object' && value !== null ? cores.get(value) : undefined;
}
