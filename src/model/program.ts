/**
 * @module
 * {@link Program}: the graph of nodes a researcher writes once and launches anywhere.
 */
import { LaunchpadError } from '../errors/errors.ts';
import { userCallSite } from '../internal/call-site.ts';
import { Handle } from './handle.ts';
import { Colocation, type HandlesOf } from './colocation.ts';
import type { Node } from './node.ts';

const LABEL_PATTERN = /^[A-Za-z][A-Za-z0-9_.-]*$/;

/**
 * Every node id a {@link Program} makes: `label/index`, the label as groups allow it. What
 * names a file after a node id read from outside (a history's `graph.json`) checks it
 * against this first, so an id such as `../../x` never becomes a path.
 */
export const NODE_ID_PATTERN = /^[A-Za-z][A-Za-z0-9_.-]*\/(0|[1-9][0-9]*)$/;

/**
 * A distributed program: nodes grouped by label. Node ids are `label/index`.
 *
 * @example
 * ```ts
 * const program = new lp.Program('consumer_producers');
 * const producers = program.group('producer', () =>
 *   [0, 1].map(() => program.addNode(new lp.ServiceNode(Producer))));
 * program.addNode(new lp.ServiceNode(Consumer, producers), 'consumer');
 * ```
 */
export class Program {
  /** The program's name, used in logs and in the launch's working directory. */
  readonly name: string;
  /** The file URL of the module that created the program. */
  readonly definedAt: string | undefined;
  readonly #groups = new Map<string, Node[]>();
  readonly #colocations: Colocation[] = [];
  #currentGroup: string | undefined;

  /** @param name - a non-empty name for the program */
  constructor(name: string) {
    if (typeof name !== 'string' || name.trim() === '') {
      throw new LaunchpadError(
        'INVALID_ARGUMENT',
        `Expected the program name to be a non-empty string, got ${JSON.stringify(name)}.`,
      );
    }
    this.name = name;
    this.definedAt = userCallSite();
  }

  /**
   * Adds a node and returns its handle. Inside {@link Program.group} the label may be
   * omitted (or must equal the group's); outside a group it is required. Adding a
   * colocation adds each of its nodes under the label and returns their handles.
   */
  addNode<const TNodes extends readonly Node[]>(
    colocation: Colocation<TNodes>,
    label?: string,
  ): HandlesOf<TNodes>;
  addNode<TService>(node: Node<TService>, label?: string): Handle<TService>;
  addNode(item: Node | Colocation, label?: string): Handle<unknown> | Handle<unknown>[] {
    if (item instanceof Colocation) {
      const handles = item.nodes.map((node) => this.#add(node, label));
      this.#colocations.push(item);
      return handles;
    }
    return this.#add(item, label);
  }

  /** The program's colocations: how they share a process, and their nodes' ids. */
  get colocations(): readonly {
    readonly kind: Colocation['kind'];
    readonly nodeIds: readonly string[];
  }[] {
    return this.#colocations.map((colocation) => ({
      kind: colocation.kind,
      nodeIds: colocation.nodes.map((node) => node.id),
    }));
  }

  #add<TService>(node: Node<TService>, label: string | undefined): Handle<TService> {
    if (LAUNCHED.has(this)) {
      throw new LaunchpadError(
        'FAILED_PRECONDITION',
        `addNode(${node.codeName}): program ${this.name} was already launched, and a launched program's nodes are fixed, ` +
          'so this node would never run. Add every node before lp.launch(), or build a new lp.Program for a second launch.',
      );
    }
    const groupLabel = this.#resolveLabel(node, label);
    if (node.added) {
      throw new LaunchpadError(
        'INVALID_ARGUMENT',
        `Node ${node.id} (${node.codeName}) was already added to a program; create a new node for each addNode() call.`,
      );
    }
    let members = this.#groups.get(groupLabel);
    if (members === undefined) {
      members = [];
      this.#groups.set(groupLabel, members);
    }
    const id = `${groupLabel}/${members.length}`;
    node.assignId(id, groupLabel);
    members.push(node);
    return new Handle<TService>(this, id);
  }

  /**
   * Runs `build` with every node it adds labelled `label`, and returns what it returns.
   * Adding to an existing label appends to that group. Groups do not nest.
   */
  group<TResult>(label: string, build: () => TResult): TResult {
    if (this.#currentGroup !== undefined) {
      throw new LaunchpadError(
        'FAILED_PRECONDITION',
        `Cannot open group "${label}" inside group "${this.#currentGroup}": groups do not nest.`,
      );
    }
    checkLabel(label);
    this.#currentGroup = label;
    try {
      const result = build();
      if (result instanceof Promise) {
        throw new LaunchpadError(
          'INVALID_ARGUMENT',
          `The function given to group("${label}") returned a promise; it must add its nodes synchronously.`,
        );
      }
      return result;
    } finally {
      this.#currentGroup = undefined;
    }
  }

  /** The groups, label → nodes, in the order they were added. A copy. */
  get groups(): ReadonlyMap<string, readonly Node[]> {
    return new Map([...this.#groups].map(([label, nodes]) => [label, [...nodes]]));
  }

  /** Every node, group by group. */
  get nodes(): readonly Node[] {
    return [...this.#groups.values()].flat();
  }

  /** The node with this id, or `undefined`. */
  node(id: string): Node | undefined {
    return this.nodes.find((node) => node.id === id);
  }

  #resolveLabel(node: Node, label: string | undefined): string {
    const current = this.#currentGroup;
    if (label === undefined) {
      if (current === undefined) {
        throw new LaunchpadError(
          'INVALID_ARGUMENT',
          `addNode(${node.codeName}) needs a label outside a group: program.addNode(node, 'label'), or call it inside program.group('label', () => ...).`,
        );
      }
      return current;
    }
    checkLabel(label);
    if (current !== undefined && current !== label) {
      throw new LaunchpadError(
        'INVALID_ARGUMENT',
        `addNode(${node.codeName}, "${label}") was called inside group "${current}": omit the label or use "${current}".`,
      );
    }
    return label;
  }
}

function checkLabel(label: unknown): asserts label is string {
  if (typeof label !== 'string' || !LABEL_PATTERN.test(label)) {
    throw new LaunchpadError(
      'INVALID_ARGUMENT',
      `Expected a label of letters, digits, "_", "-" and ".", starting with a letter, got ${JSON.stringify(label)}.`,
    );
  }
}

// Programs already given to launch(): their graph is fixed.
const LAUNCHED = new WeakSet<Program>();

/** Marks `program` as launched: from now on, `addNode()` on it is refused. */
export function markLaunched(program: Program): void {
  LAUNCHED.add(program);
}
