/**
 * @module
 * {@link Handle}: what `program.addNode()` returns. Passing a handle into another node's
 * arguments draws an edge of the program graph; in the receiving node it becomes a
 * {@link Client} of the node it points to.
 */
import { registerHandle } from '../rpc/handle-ref.ts';
import type { CallOptions } from '../rpc/call-options.ts';
import { mergeCallOptions } from '../rpc/call-options.ts';

const owners = new WeakMap<Handle<unknown>, object>();

/**
 * A reference to a node of a program, typed by the node's service. It is not callable
 * itself: pass it to another node's constructor (it arrives there as a `Client<TService>`)
 * or to `running.client(handle)` from the launcher.
 */
export class Handle<TService> {
  /** Phantom: carries the service type for type inference. It has no run-time value. */
  declare readonly $service: TService;
  /** The id of the node this handle points to, e.g. `producer/0`. */
  readonly nodeId: string;
  /** Default call options of the clients made from this handle. */
  readonly options: CallOptions;

  /**
   * Made by `Program.addNode()`; users do not construct handles.
   *
   * @param owner - the program the node belongs to
   * @param nodeId - the node's id
   * @param options - default call options for clients made from this handle
   */
  constructor(owner: object, nodeId: string, options: CallOptions = {}) {
    this.nodeId = nodeId;
    this.options = options;
    owners.set(this, owner);
    registerHandle(this);
  }

  /**
   * A handle to the same node whose clients use these default call options.
   *
   * @example
   * ```ts
   * new lp.ServiceNode(Consumer, producer.withOptions({ timeoutMs: 5_000 }))
   * ```
   */
  withOptions(options: CallOptions): Handle<TService> {
    return new Handle<TService>(
      handleOwner(this),
      this.nodeId,
      mergeCallOptions(this.options, options),
    );
  }

  /** A readable form for logs and error messages. */
  toString(): string {
    return `Handle(${this.nodeId})`;
  }
}

/** The program a handle belongs to. */
export function handleOwner(handle: Handle<unknown>): object {
  const owner = owners.get(handle);
  if (owner === undefined) throw new Error(`Handle ${handle.nodeId} has no program.`);
  return owner;
}
