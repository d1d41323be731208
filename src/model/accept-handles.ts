/**
 * @module
 * The type that lets a node's constructor, declared with `Client<T>` parameters, be given
 * `Handle<T>` arguments in the program.
 */
import type { ServiceOfClient } from '../rpc/client-type.ts';
import type { Handle } from './handle.ts';

/** Values that never contain clients, passed through as they are. */
type Opaque =
  | ArrayBufferView
  | ArrayBufferLike
  | Date
  | RegExp
  | ReadonlyMap<unknown, unknown>
  | ReadonlySet<unknown>;

/**
 * `TValue` with every `Client<S>` inside it (at any depth of arrays, tuples and plain
 * objects) widened to `Client<S> | Handle<S>`.
 */
export type AcceptHandles<TValue> = [ServiceOfClient<TValue>] extends [never]
  ? TValue extends Opaque
    ? TValue // binary data and built-ins: nothing inside can be a client
    : TValue extends (...args: never) => unknown
      ? TValue // functions are rejected at launch; keep their type for the error to name
      : TValue extends readonly unknown[]
        ? { [TIndex in keyof TValue]: AcceptHandles<TValue[TIndex]> } // arrays and tuples
        : TValue extends object
          ? { [TKey in keyof TValue]: AcceptHandles<TValue[TKey]> } // plain objects
          : TValue // primitives
  : TValue | Handle<ServiceOfClient<TValue>>; // a client: its handle is accepted too

/** An argument list with {@link AcceptHandles} applied to each argument. */
export type AcceptHandlesInArgs<TArgs extends readonly unknown[]> = {
  [TIndex in keyof TArgs]: AcceptHandles<TArgs[TIndex]>;
};
