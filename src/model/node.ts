/**
 * @module
 * The base of every node kind: its code, its arguments, its place in the program.
 */
import { LaunchpadError } from '../errors/errors.ts';
import { userCallSite } from '../internal/call-site.ts';

/** The kinds of node a launcher knows how to run. */
export type NodeKind = 'service' | 'function' | 'python';

/** A node's code: the class of a service node or the function of a function node. */
export type NodeCode = (abstract new (...args: never) => object) | ((...args: never) => unknown);

/**
 * A node of a program. Use a concrete kind: {@link ServiceNode}, {@link FunctionNode} or
 * `PythonNode`.
 *
 * @typeParam TService - what a client of this node can call (`never` when nothing)
 */
export abstract class Node<TService = unknown> {
  /** Phantom: the service type, so `addNode` can type the handle. No run-time value. */
  declare readonly $service: TService;
  /** Which kind of node this is; launchers dispatch on it. */
  abstract readonly kind: NodeKind;
  /** The class or function that runs in the node. */
  readonly code: NodeCode;
  /** The file URL of the module that created this node, to find its code from a child. */
  readonly definedAt: string | undefined;
  #args: readonly unknown[];
  #id: string | undefined;
  #label: string | undefined;

  /**
   * @param code - the class or function the node runs
   * @param args - its arguments, possibly holding handles
   */
  protected constructor(code: NodeCode, args: readonly unknown[]) {
    this.code = code;
    this.#args = args;
    this.definedAt = userCallSite();
  }

  /** The arguments the node's code will receive (handles not yet resolved). */
  get args(): readonly unknown[] {
    return this.#args;
  }

  /** The node's id, `label/index`, once it was added to a program. */
  get id(): string {
    if (this.#id === undefined) {
      throw new LaunchpadError(
        'FAILED_PRECONDITION',
        `This ${this.kind} node (${this.codeName}) has not been added to a program yet: call program.addNode(node, label) first.`,
      );
    }
    return this.#id;
  }

  /** The label of the node's group, once added. */
  get label(): string {
    if (this.#label === undefined) return this.id;
    return this.#label;
  }

  /** True once the node belongs to a program. */
  get added(): boolean {
    return this.#id !== undefined;
  }

  /** The name of the node's code, for messages. */
  get codeName(): string {
    return this.code.name === '' ? '(anonymous)' : this.code.name;
  }

  /** Replaces the arguments; subclasses expose it with their own typed signature. */
  protected replaceArgs(args: readonly unknown[]): void {
    this.#args = args;
  }

  /**
   * Records the node's place in its program. Called by `Program.addNode()` only.
   * @internal
   */
  assignId(id: string, label: string): void {
    this.#id = id;
    this.#label = label;
  }
}
