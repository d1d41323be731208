/**
 * @module
 * {@link HandleRef}: a handle on the wire. Node arguments carry HandleRefs in place of
 * handles; the receiving node turns each into a client.
 */
import { addExtension } from './msgpackr-js.ts';
import type { CallOptions } from './call-options.ts';

/** The serialisable part of a handle: the node it points to and its client defaults. */
export class HandleRef {
  /**
   * @param nodeId - the node the handle points to
   * @param options - default call options for the client (no signal: it cannot travel)
   */
  constructor(
    readonly nodeId: string,
    readonly options: Omit<CallOptions, 'signal'>,
  ) {}
}

// A MessagePack extension type of our own, so a HandleRef survives encoding as itself
// rather than as a plain object that user data could imitate.
const HANDLE_REF_EXTENSION = 0x4c;

addExtension({
  Class: HandleRef,
  type: HANDLE_REF_EXTENSION,
  write: (ref: HandleRef) => [ref.nodeId, ref.options],
  read: ([nodeId, options]: [string, Omit<CallOptions, 'signal'>]) =>
    new HandleRef(nodeId, options),
});

// Handles are defined by the program model, above this layer; they register here so that
// the RPC layer can refuse one passed as a call argument without importing the model.
const handles = new WeakSet<object>();

/** Records `handle` as a program handle (called by the `Handle` constructor). */
export function registerHandle(handle: object): void {
  handles.add(handle);
}

/** True when `value` is a program handle, which can travel only as a node argument. */
export function isHandle(value: unknown): value is { readonly nodeId: string } {
  return typeof value === 'object' && value !== null && handles.has(value);
}
