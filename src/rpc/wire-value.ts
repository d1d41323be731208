/**
 * @module
 * The one check of values about to cross a process boundary, for node arguments and call
 * arguments alike: it walks a value and refuses, with the path of the offending part,
 * whatever the codec would not carry faithfully (functions, symbols, class instances,
 * Promises, clients, cycles). A hook lets the caller replace some objects on the way
 * (node arguments turn handles into refs); nothing else is copied.
 *
 * The walk is on every call's hot path when an argument is an object, so it allocates
 * nothing per value visited: the path is kept as a stack of keys and rendered only when
 * something is refused.
 */
import { clientCore } from './client-registry.ts';

/** What may cross, as error messages put it. */
export const WIRE_DATA =
  'plain data (numbers, strings, booleans, bigints, undefined, null, arrays, plain objects, ' +
  'Map, Set, Date, RegExp, Error, typed arrays, Buffers)';

/** Returned by a {@link WireRules.replace} hook for an object it leaves to the generic rules. */
export const NOT_REPLACED: unique symbol = Symbol('not replaced');

/** Thrown by {@link toWireValue} for the first part of a value that cannot cross. */
export class WireValueProblem extends Error {
  /**
   * @param path - where the part is, e.g. `args[1].cb`
   * @param problem - what is wrong with it, e.g. `is a function (cb), which cannot …`
   */
  constructor(
    readonly path: string,
    readonly problem: string,
  ) {
    super(`${path} ${problem}`);
    this.name = 'WireValueProblem';
  }
}

/** How one walk treats what it finds. */
export interface WireRules {
  /**
   * Sees every object first; returns its replacement, or {@link NOT_REPLACED}. Calls
   * `refuse(problem)` to refuse the object (it throws, with the object's path).
   */
  readonly replace?: (value: object, refuse: (problem: string) => never) => unknown;
}

/** True when `value` is a primitive the codec carries as it is (no walk needed). */
export function isWirePrimitive(value: unknown): boolean {
  const type = typeof value;
  return value === null || (type !== 'object' && type !== 'function' && type !== 'symbol');
}

/**
 * Checks `value` (found at `root`, e.g. `args[0]`) and returns it with the replacements
 * made by `rules.replace`; the same object when there were none.
 *
 * @throws WireValueProblem for the first part that cannot cross
 */
export function toWireValue(value: unknown, root: string, rules: WireRules = {}): unknown {
  // One walker serves every walk: a walk never starts another, so no call allocates one.
  return walker.run(value, root, rules);
}

// A Map entry or Set member in a path: rendered as `.get(key)`, `.keys()` or `.values()`.
class Accessor {
  constructor(readonly text: string) {}
}

// Objects the codec carries as themselves (see codec.ts), without looking inside: byte
// data, dates, regular expressions, and errors (name, message, stack).
const isLeafObject = (value: object): boolean =>
  ArrayBuffer.isView(value) ||
  value instanceof ArrayBuffer ||
  value instanceof Date ||
  value instanceof RegExp ||
  value instanceof Error;

class Walk {
  #root = '';
  #rules: WireRules = {};
  // The keys from the root to the value being visited: array indices, object keys, and
  // Map/Set accessors.
  readonly #keys: (number | string | Accessor)[] = [];
  // The containers being visited, to tell a cycle from an object seen twice.
  readonly #ancestors: object[] = [];
  readonly #refuse = (problem: string): never => {
    throw new WireValueProblem(this.#path(), problem);
  };

  run(value: unknown, root: string, rules: WireRules): unknown {
    this.#root = root;
    this.#rules = rules;
    try {
      return this.visit(value);
    } finally {
      // A refusal leaves the stacks as they were where it was thrown.
      this.#keys.length = 0;
      this.#ancestors.length = 0;
    }
  }

  visit(value: unknown): unknown {
    switch (typeof value) {
      case 'function':
        return this.#refuse(
          `is a function (${value.name || 'anonymous'}), which cannot cross a process boundary`,
        );
      case 'symbol':
        return this.#refuse('is a symbol, which cannot cross a process boundary');
      case 'object':
        break;
      default:
        return value;
    }
    if (value === null) return value;
    // Arrays and plain objects first: they are most of what calls carry.
    if (Array.isArray(value)) return this.#inside(value, this.#array);
    const prototype: unknown = Object.getPrototypeOf(value);
    if (prototype === Object.prototype) return this.#inside(value, this.#object);
    if (prototype === null) {
      // A client is a Proxy over a prototype-less object: it would arrive as `{}`.
      const core = clientCore(value);
      if (core !== undefined) {
        return this.#refuse(
          `is a client of node ${core.nodeId}, which cannot cross a process boundary ` +
            '(give the node its handle as a node argument instead)',
        );
      }
      return this.#inside(value, this.#object);
    }
    const replace = this.#rules.replace;
    if (replace !== undefined) {
      const replaced = replace(value, this.#refuse);
      if (replaced !== NOT_REPLACED) return replaced;
    }
    if (isLeafObject(value)) return value;
    if (value instanceof Map) return this.#inside(value, this.#map);
    if (value instanceof Set) return this.#inside(value, this.#set);
    return this.#refuseInstance(value);
  }

  // Visits the inside of a container, refusing a cycle.
  #inside<TContainer extends object>(
    value: TContainer,
    walkInside: (container: TContainer) => unknown,
  ): unknown {
    if (this.#ancestors.includes(value)) return this.#refuse('is circular (it contains itself)');
    this.#ancestors.push(value);
    try {
      return walkInside.call(this, value);
    } finally {
      this.#ancestors.pop();
    }
  }

  #at(key: number | string | Accessor, value: unknown): unknown {
    this.#keys.push(key);
    try {
      return this.visit(value);
    } finally {
      this.#keys.pop();
    }
  }

  #array(value: unknown[]): unknown {
    let copy: unknown[] | undefined;
    for (let index = 0; index < value.length; index++) {
      const item: unknown = value[index];
      const wired = this.#at(index, item);
      if (wired !== item) (copy ??= value.slice())[index] = wired;
    }
    return copy ?? value;
  }

  #object(value: object): unknown {
    let copy: Record<string, unknown> | undefined;
    for (const key of Object.keys(value)) {
      const item: unknown = (value as Record<string, unknown>)[key];
      const wired = this.#at(key, item);
      if (wired !== item) (copy ??= { ...value })[key] = wired;
    }
    return copy ?? value;
  }

  #map(value: Map<unknown, unknown>): unknown {
    let changed = false;
    const entries: [unknown, unknown][] = [];
    for (const [key, item] of value) {
      const wiredKey = this.#at(new Accessor('.keys()'), key);
      const wiredItem = this.#at(new Accessor(`.get(${String(key)})`), item);
      if (wiredKey !== key || wiredItem !== item) changed = true;
      entries.push([wiredKey, wiredItem]);
    }
    return changed ? new Map(entries) : value;
  }

  #set(value: Set<unknown>): unknown {
    let changed = false;
    const items: unknown[] = [];
    for (const item of value) {
      const wired = this.#at(new Accessor('.values()'), item);
      if (wired !== item) changed = true;
      items.push(wired);
    }
    return changed ? new Set(items) : value;
  }

  #refuseInstance(value: object): never {
    if (value instanceof Promise) {
      return this.#refuse(
        'is a Promise, which cannot cross a process boundary (await it and pass its value)',
      );
    }
    const className = (value as { constructor?: { name?: string } }).constructor?.name ?? 'unknown';
    return this.#refuse(
      `is an instance of class ${className}, which cannot cross a process boundary (its methods would be lost)`,
    );
  }

  #path(): string {
    let path = this.#root;
    for (const key of this.#keys) {
      if (typeof key === 'number') path += `[${key}]`;
      else if (typeof key === 'string') path += `.${key}`;
      else path += key.text;
    }
    return path;
  }
}

const walker = new Walk();
