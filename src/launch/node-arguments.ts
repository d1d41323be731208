/**
 * @module
 * Preparing a node's arguments for the wire: handles become {@link HandleRef}s, and any
 * value that cannot cross a process boundary is refused with its path, before anything
 * starts. In the node, {@link resolveHandleRefs} turns the refs into clients.
 */
import { LaunchpadError } from '../errors.ts';
import { Handle, handleOwner } from '../program/handle.ts';
import type { Node } from '../program/node.ts';
import type { Program } from '../program/program.ts';
import { HandleRef } from '../rpc/handle-ref.ts';

const isPlainObject = (value: object): boolean => {
  const prototype = Object.getPrototypeOf(value) as unknown;
  return prototype === Object.prototype || prototype === null;
};

const isBinary = (value: object): boolean =>
  ArrayBuffer.isView(value) || value instanceof ArrayBuffer;

/**
 * The node's arguments with handles replaced by refs.
 *
 * @throws LaunchpadError `INVALID_ARGUMENT` naming the node and the argument's path when an
 * argument is a function, symbol, class instance, circular, or a handle of another program
 */
export function toWireArguments(node: Node, program: Program): unknown[] {
  const seen = new Set<object>();
  const fail = (path: string, problem: string): never => {
    throw new LaunchpadError(
      'INVALID_ARGUMENT',
      `Node ${node.id} (${node.codeName}): argument ${path} ${problem}. Node arguments must be ` +
        'plain data (numbers, strings, booleans, null, arrays, plain objects, Map, Set, Date, ' +
        'typed arrays, Buffers) or handles, because they are sent to where the node runs; build ' +
        'other objects inside the node instead.',
    );
  };
  const convert = (value: unknown, path: string): unknown => {
    switch (typeof value) {
      case 'function':
        return fail(
          path,
          `is a function (${value.name || 'anonymous'}), which cannot cross a process boundary`,
        );
      case 'symbol':
        return fail(path, 'is a symbol, which cannot cross a process boundary');
      case 'object':
        break;
      default:
        return value;
    }
    if (value === null) return value;
    if (value instanceof Handle) {
      if (handleOwner(value) !== program) {
        fail(path, `is a handle to ${value.nodeId} of another program`);
      }
      const { signal: _signal, ...options } = value.options;
      return new HandleRef(value.nodeId, options);
    }
    if (isBinary(value) || value instanceof Date) return value;
    if (seen.has(value)) return fail(path, 'is circular (it contains itself)');
    seen.add(value);
    try {
      if (Array.isArray(value))
        return value.map((item, index) => convert(item, `${path}[${index}]`));
      if (value instanceof Map) {
        return new Map(
          [...value].map(([key, item]) => [
            convert(key, `${path}.keys()`),
            convert(item, `${path}.get(${String(key)})`),
          ]),
        );
      }
      if (value instanceof Set)
        return new Set([...value].map((item) => convert(item, `${path}.values()`)));
      if (!isPlainObject(value)) {
        const className =
          (value as { constructor?: { name?: string } }).constructor?.name ?? 'unknown';
        return fail(
          path,
          `is an instance of class ${className}, which cannot cross a process boundary (its methods would be lost)`,
        );
      }
      return Object.fromEntries(
        Object.entries(value).map(([key, item]) => [key, convert(item, `${path}.${key}`)]),
      );
    } finally {
      seen.delete(value);
    }
  };
  return node.args.map((arg, index) => convert(arg, `args[${index}]`));
}

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
