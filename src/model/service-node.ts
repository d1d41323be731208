/**
 * @module
 * {@link ServiceNode}: Launchpad's CourierNode. An instance of a class, built where the
 * node runs, whose public methods are served over RPC.
 */
import type { AcceptHandlesInArgs } from './accept-handles.ts';
import { Node } from './node.ts';
import { checkServiceClass } from './node-code-kind.ts';

/** Any class a service node can instantiate. */
export type ServiceClass = new (...args: never) => object;

/**
 * A node that builds `new TClass(...args)` where it runs and serves every public method
 * of the instance (not `_`-prefixed, not the constructor) over RPC, sync or async.
 *
 * If the instance has a `run()` method, it is called once the server is up, and the node
 * stops when `run()` returns. Without `run()`, the node serves until the program stops.
 *
 * Arguments may hold handles (at any depth of arrays and plain objects); each arrives in
 * the instance as a `Client`. Everything else must be plain data.
 *
 * @example
 * ```ts
 * const producer = program.addNode(new lp.ServiceNode(Producer), 'producer');
 * program.addNode(new lp.ServiceNode(Consumer, [producer]), 'consumer');
 * ```
 */
export class ServiceNode<TClass extends ServiceClass> extends Node<InstanceType<TClass>> {
  /** Always `'service'`. */
  readonly kind = 'service' as const;

  /**
   * @param service - the class to instantiate in the node
   * @param args - the constructor's arguments; `Handle<S>` is accepted for `Client<S>`
   */
  constructor(service: TClass, ...args: AcceptHandlesInArgs<ConstructorParameters<TClass>>) {
    checkServiceClass(service);
    super(service, args);
  }

  /**
   * Replaces the constructor's arguments. Use it to close a cycle: add both nodes first,
   * then give each the other's handle.
   *
   * @example
   * ```ts
   * const pingNode = new lp.ServiceNode(Ping);
   * const ping = program.addNode(pingNode, 'ping');
   * const pong = program.addNode(new lp.ServiceNode(Pong, ping), 'pong');
   * pingNode.configure(pong);
   * ```
   */
  configure(...args: AcceptHandlesInArgs<ConstructorParameters<TClass>>): this {
    this.replaceArgs(args);
    return this;
  }
}
