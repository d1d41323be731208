/**
 * @module
 * Which methods of a service instance are reachable over RPC, and the dispatch function
 * the node's RPC server calls.
 */
import { LaunchpadError } from '../errors/errors.ts';
import type { Dispatch } from '../rpc/server.ts';

type Method = (...args: unknown[]) => unknown;

/**
 * The public methods of `instance`: function-valued own properties and prototype methods
 * whose names do not start with `_`, minus the constructor.
 */
export function publicMethods(instance: object): Map<string, Method> {
  const methods = new Map<string, Method>();
  for (
    let layer: object | null = instance;
    layer !== null && layer !== Object.prototype;
    layer = Object.getPrototypeOf(layer) as object | null
  ) {
    for (const name of Object.getOwnPropertyNames(layer)) {
      if (name === 'constructor' || name.startsWith('_') || methods.has(name)) continue;
      const descriptor = Object.getOwnPropertyDescriptor(layer, name);
      // Getters are skipped: reading them could run user code just to list methods.
      if (typeof descriptor?.value === 'function') methods.set(name, descriptor.value as Method);
    }
  }
  return methods;
}

/** A dispatch that calls `instance`'s public methods, with a clear error for others. */
export function serviceDispatch(instance: object, nodeId: string): Dispatch {
  let methods = publicMethods(instance);
  return (method, args) => {
    let fn = methods.get(method);
    if (fn === undefined) {
      // Methods may be attached after construction (e.g. wrapped handlers): look again.
      methods = publicMethods(instance);
      fn = methods.get(method);
    }
    if (fn === undefined) {
      const known = [...methods.keys()].sort().join(', ') || '(none)';
      throw new LaunchpadError(
        'UNIMPLEMENTED',
        `Node ${nodeId} has no method "${method}". Its RPC methods are: ${known}.`,
      );
    }
    if (!Array.isArray(args)) {
      throw new LaunchpadError(
        'INVALID_ARGUMENT',
        `Call of ${nodeId}.${method}() had no argument list.`,
      );
    }
    return fn.apply(instance, args);
  };
}
