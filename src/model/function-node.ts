/**
 * @module
 * {@link FunctionNode}: Launchpad's PyNode. A function that is the node's main.
 */
import type { AcceptHandlesInArgs } from './accept-handles.ts';
import { Node } from './node.ts';
import { checkNodeFunction } from './node-code-kind.ts';

/** Any function a function node can run. */
export type NodeFunction = (...args: never) => unknown;

/**
 * A node whose main is `fn(...args)`. The node ends when the function returns (or its
 * promise settles); a throw or rejection fails the program. It serves no RPC.
 *
 * @example
 * ```ts
 * program.addNode(new lp.FunctionNode(async (learner: lp.Client<Learner>) => {
 *   while (!lp.stopSignal().aborted) await learner.step();
 * }, learnerHandle), 'trainer');
 * ```
 */
export class FunctionNode<TFunction extends NodeFunction> extends Node<never> {
  /** Always `'function'`. */
  readonly kind = 'function' as const;

  /**
   * @param fn - the node's main
   * @param args - its arguments; `Handle<S>` is accepted for `Client<S>`
   */
  constructor(fn: TFunction, ...args: AcceptHandlesInArgs<Parameters<TFunction>>) {
    checkNodeFunction(fn);
    super(fn, args);
  }

  /** Replaces the function's arguments (see `ServiceNode.configure`). */
  configure(...args: AcceptHandlesInArgs<Parameters<TFunction>>): this {
    this.replaceArgs(args);
    return this;
  }
}
