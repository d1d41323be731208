/**
 * @module
 * Colocation (Launchpad's MultiThreadingColocation and MultiProcessingColocation): several
 * nodes sharing one OS process, as worker threads or as child processes of one parent.
 * Colocated nodes keep their own ids and handles and call each other as before; only
 * where they run changes. This is how one Slurm task or one pod hosts many actors.
 */
import { LaunchpadError } from '../errors/errors.ts';
import type { Handle } from './handle.ts';
import { Node } from './node.ts';

/** How colocated nodes share their process. */
export type ColocationKind = 'threads' | 'processes';

/** The handles `addNode` returns for a colocation: one per node, in order. */
export type HandlesOf<TNodes extends readonly Node[]> = {
  [TIndex in keyof TNodes]: TNodes[TIndex] extends Node<infer TService> ? Handle<TService> : never;
};

function describeValue(value: unknown): string {
  if (value === null || value === undefined) return String(value);
  if (typeof value === 'object') return `an instance of ${value.constructor.name || 'Object'}`;
  return `a ${typeof value}`;
}

/** The base of both colocations. Add it with `program.addNode(colocation, label)`. */
export abstract class Colocation<TNodes extends readonly Node[] = readonly Node[]> {
  /** Threads or child processes. */
  abstract readonly kind: ColocationKind;
  /** The colocated nodes, not added to the program themselves. */
  readonly nodes: TNodes;

  /** @param nodes - at least one node, none added to a program yet */
  protected constructor(nodes: TNodes) {
    const list: readonly Node[] = nodes;
    if (!Array.isArray(nodes) || list.length === 0) {
      throw new LaunchpadError(
        'INVALID_ARGUMENT',
        'A colocation needs a non-empty array of nodes.',
      );
    }
    for (const [index, node] of list.entries()) {
      const found: unknown = node;
      if (!(found instanceof Node)) {
        throw new LaunchpadError(
          'INVALID_ARGUMENT',
          found instanceof Colocation
            ? `Element ${String(index)} of this ${new.target.name} is a ${found.constructor.name}: colocations do not nest. ` +
                'Put its nodes in one colocation, or add each colocation to the program with program.addNode().'
            : `Element ${String(index)} of this ${new.target.name} is ${describeValue(found)}, not a node; ` +
                'give it nodes such as new lp.ServiceNode(MyService) or new lp.FunctionNode(myFunction).',
        );
      }
      if (node.added) {
        throw new LaunchpadError(
          'INVALID_ARGUMENT',
          `Node ${node.id} is already in a program; put nodes in a colocation instead of adding them.`,
        );
      }
    }
    this.nodes = nodes;
  }
}

/**
 * Nodes that share one process, each in its own worker thread.
 *
 * @example
 * ```ts
 * const actors = program.addNode(
 *   new lp.ThreadColocation([new lp.ServiceNode(Actor, 0), new lp.ServiceNode(Actor, 1)]),
 *   'actor',
 * ); // [Handle<Actor>, Handle<Actor>], ids actor/0 and actor/1
 * ```
 */
export class ThreadColocation<const TNodes extends readonly Node[]> extends Colocation<TNodes> {
  /** Always `'threads'`. */
  readonly kind = 'threads' as const;

  /** @param nodes - the nodes to run as threads of one process */
  // Not useless: it makes the base class's protected constructor public for this kind.
  // eslint-disable-next-line @typescript-eslint/no-useless-constructor
  constructor(nodes: TNodes) {
    super(nodes);
  }
}

/** Nodes that share one parent process, each in a child process of it. */
export class ProcessColocation<const TNodes extends readonly Node[]> extends Colocation<TNodes> {
  /** Always `'processes'`. */
  readonly kind = 'processes' as const;

  /** @param nodes - the nodes to run as child processes of one parent */
  // Not useless: it makes the base class's protected constructor public for this kind.
  // eslint-disable-next-line @typescript-eslint/no-useless-constructor
  constructor(nodes: TNodes) {
    super(nodes);
  }
}
