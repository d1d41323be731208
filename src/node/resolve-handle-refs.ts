/**
 * @module
 * Turns the handle refs in a node's decoded arguments into clients, in the node.
 */
import { HandleRef } from '../rpc/handle-ref.ts';

const isPlainObject = (value: object): boolean => {
  const prototype = Object.getPrototypeOf(value) as unknown;
  return prototype === Object.prototype || prototype === null;
};

/** Replaces every {@link HandleRef} inside decoded arguments with `toClient(ref)`. */
export function resolveHandleRefs(value: unknown, toClient: (ref: HandleRef) => unknown): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (value instanceof HandleRef) return toClient(value);
  if (Array.isArray(value)) return value.map((item) => resolveHandleRefs(item, toClient));
  if (value instanceof Map) {
    return new Map([...value].map(([key, item]) => [key, resolveHandleRefs(item, toClient)]));
  }
  if (value instanceof Set)
    return new Set([...value].map((item) => resolveHandleRefs(item, toClient)));
  if (isPlainObject(value)) {
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [key, resolveHandleRefs(item, toClient)]),
    );
  }
  return value;
}
