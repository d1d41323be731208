/**
 * @module
 * The one check of values about to cross a process boundary, for node arguments and call
 * arguments alike: it walks a value and refuses, with the path of the offending part,
 * whatever the codec would not carry faithfully (functions, symbols, class instances,
 * Promises, clients, cycles). A hook lets the caller replace some objects on the way
 * (node arguments turn handles into refs); nothing else is copied, so a call whose
 * arguments need no replacement costs no allocation.
 */
import { clientCore } from './typed-client.ts';

/** What may cross, as error messages put it. */
export const WIRE_DATA =
  'plain data (numbers, strings, booleans, bigints, undefined, null, arrays, plain objects, ' +
  'Map, Set, Date, RegExp, Error, typed arrays, Buffers)';

/** Returned by a {@link WireRules.replace} hook for an object it leaves to the generic rules. */
export const NOT_REPLACED: unique symbol = Symbol('not replaced');

/** How one walk treats what it finds. */
export interface WireRules {
  /** Throws the error for `problem` (a phrase such as "is a function (f)") at `path`. */
  fail(path: string, problem: string): never;
  /**
   * Sees every object first; returns its replacement, or {@link NOT_REPLACED}. May call
   * `fail` to refuse the object.
   */
  readonly replace?: (value: object, path: string) => unknown;
}

const isPlainPrototype = (prototype: unknown): boolean =>
  prototype === Object.prototype || prototype === null;

// Objects the codec carries as themselves (see codec.ts), without looking inside: byte
// data, dates, regular expressions, and errors (name, message, stack; see error-extension.ts).
const isLeafObject = (value: object): boolean =>
  ArrayBuffer.isView(value) ||
  value instanceof ArrayBuffer ||
  value instanceof Date ||
  value instanceof RegExp ||
  value instanceof Error;

/** True when `value` is a primitive the codec carries as it is (no walk needed). */
export function isWirePrimitive(value: unknown): boolean {
  const type = typeof value;
  return value === null || (type !== 'object' && type !== 'function' && type !== 'symbol');
}

/**
 * Checks `value` (found at `path`, e.g. `args[0]`) and returns it with the replacements
 * made by `rules.replace`; the same object when there were none.
 *
 * @throws whatever `rules.fail` throws, for the first part that cannot cross
 */
export function toWireValue(value: unknown, path: string, rules: WireRules): unknown {
  return walk(value, path, rules, new Set());
}

function walk(value: unknown, path: string, rules: WireRules, ancestors: Set<object>): unknown {
  switch (typeof value) {
    case 'function':
      return rules.fail(
        path,
        `is a function (${value.name || 'anonymous'}), which cannot cross a process boundary`,
      );
    case 'symbol':
      return rules.fail(path, 'is a symbol, which cannot cross a process boundary');
    case 'object':
      break;
    default:
      return value;
  }
  if (value === null) return value;
  if (rules.replace !== undefined) {
    const replaced = rules.replace(value, path);
    if (replaced !== NOT_REPLACED) return replaced;
  }
  if (isLeafObject(value)) return value;
  if (ancestors.has(value)) return rules.fail(path, 'is circular (it contains itself)');
  ancestors.add(value);
  try {
    return walkContainer(value, path, rules, ancestors);
  } finally {
    ancestors.delete(value);
  }
}

function walkContainer(
  value: object,
  path: string,
  rules: WireRules,
  ancestors: Set<object>,
): unknown {
  if (Array.isArray(value)) {
    let copy: unknown[] | undefined;
    for (let index = 0; index < value.length; index++) {
      const item: unknown = value[index];
      const wired = walk(item, `${path}[${index}]`, rules, ancestors);
      if (wired !== item) (copy ??= value.slice())[index] = wired;
    }
    return copy ?? value;
  }
  if (value instanceof Map) {
    let changed = false;
    const entries: [unknown, unknown][] = [];
    for (const [key, item] of value as Map<unknown, unknown>) {
      const wiredKey = walk(key, `${path}.keys()`, rules, ancestors);
      const wiredItem = walk(item, `${path}.get(${String(key)})`, rules, ancestors);
      if (wiredKey !== key || wiredItem !== item) changed = true;
      entries.push([wiredKey, wiredItem]);
    }
    return changed ? new Map(entries) : value;
  }
  if (value instanceof Set) {
    let changed = false;
    const items: unknown[] = [];
    for (const item of value as Set<unknown>) {
      const wired = walk(item, `${path}.values()`, rules, ancestors);
      if (wired !== item) changed = true;
      items.push(wired);
    }
    return changed ? new Set(items) : value;
  }
  const prototype: unknown = Object.getPrototypeOf(value);
  if (!isPlainPrototype(prototype)) return refuseInstance(value, path, rules);
  // A client is a Proxy over a prototype-less object: it would arrive as `{}`.
  const core = prototype === null ? clientCore(value) : undefined;
  if (core !== undefined) {
    return rules.fail(
      path,
      `is a client of node ${core.nodeId}, which cannot cross a process boundary ` +
        '(give the node its handle as a node argument instead)',
    );
  }
  let copy: Record<string, unknown> | undefined;
  for (const key of Object.keys(value)) {
    const item: unknown = (value as Record<string, unknown>)[key];
    const wired = walk(item, `${path}.${key}`, rules, ancestors);
    if (wired !== item) (copy ??= { ...value })[key] = wired;
  }
  return copy ?? value;
}

function refuseInstance(value: object, path: string, rules: WireRules): never {
  if (value instanceof Promise) {
    return rules.fail(
      path,
      'is a Promise, which cannot cross a process boundary (await it and pass its value)',
    );
  }
  const className = (value as { constructor?: { name?: string } }).constructor?.name ?? 'unknown';
  return rules.fail(
    path,
    `is an instance of class ${className}, which cannot cross a process boundary (its methods would be lost)`,
  );
}
