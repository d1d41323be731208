/**
 * @module
 * {@link programGraph}: a program's graph as plain data (its nodes, their colocations, and
 * an edge for every handle passed into a node's arguments), for the `launchpad-ts graph`
 * command and anything else that draws a program without launching it.
 */
import { Handle } from './handle.ts';
import type { NodeKind } from './node.ts';
import type { Program } from './program.ts';
import type { ColocationKind } from './colocation.ts';

/** One node of a {@link ProgramGraph}. */
export interface ProgramGraphNode {
  /** The node's id, `label/index`. */
  readonly id: string;
  /** The label of the node's group. */
  readonly label: string;
  /** Service or function node. */
  readonly kind: NodeKind;
  /** The id of the colocation the node runs in (see {@link ProgramGraph.colocations}), if any. */
  readonly colocation?: string;
}

/** A colocation: nodes that share one process. */
export interface ProgramGraphColocation {
  /** `colocation/<index>`, in the order the colocations were added. */
  readonly id: string;
  /** Worker threads or child processes of one parent. */
  readonly kind: ColocationKind;
  /** Its nodes' ids. */
  readonly nodeIds: readonly string[];
}

/** An edge: node `from` was given a handle of node `to`, so `from` may call `to`. */
export interface ProgramGraphEdge {
  /** The id of the node whose arguments hold the handle. */
  readonly from: string;
  /** The id of the node the handle points to. */
  readonly to: string;
}

/** A program's graph, as JSON-ready data. */
export interface ProgramGraph {
  /** The program's name. */
  readonly program: string;
  /** Every node, group by group, in the order they were added. */
  readonly nodes: readonly ProgramGraphNode[];
  /** The colocations, in the order they were added. */
  readonly colocations: readonly ProgramGraphColocation[];
  /** One edge per (caller, callee) pair, in the order their handles were found. */
  readonly edges: readonly ProgramGraphEdge[];
}

/**
 * The graph of `program`: its nodes, colocations, and an edge from each node to every
 * node whose handle its arguments hold (nested in arrays, plain objects, Maps and Sets).
 * It reads the program only; nothing is launched.
 *
 * @example
 * ```ts
 * const graph = lp.programGraph(makeProgram());
 * // { program: 'p', nodes: [{ id: 'producer/0', label: 'producer', kind: 'service' }, …],
 * //   colocations: [], edges: [{ from: 'consumer/0', to: 'producer/0' }, …] }
 * ```
 */
export function programGraph(program: Program): ProgramGraph {
  const colocations = program.colocations.map((colocation, index): ProgramGraphColocation => ({
    id: `colocation/${index}`,
    kind: colocation.kind,
    nodeIds: [...colocation.nodeIds],
  }));
  const colocationOf = new Map<string, string>();
  for (const colocation of colocations) {
    for (const nodeId of colocation.nodeIds) colocationOf.set(nodeId, colocation.id);
  }
  const nodes: ProgramGraphNode[] = [];
  const edges: ProgramGraphEdge[] = [];
  const seenEdges = new Set<string>();
  for (const node of program.nodes) {
    const colocation = colocationOf.get(node.id);
    nodes.push({
      id: node.id,
      label: node.label,
      kind: node.kind,
      ...(colocation === undefined ? {} : { colocation }),
    });
    for (const target of handleTargets(node.args)) {
      // Several handles of one node (with other call options, say) are still one edge.
      const key = `${node.id}\0${target}`;
      if (seenEdges.has(key)) continue;
      seenEdges.add(key);
      edges.push({ from: node.id, to: target });
    }
  }
  return { program: program.name, nodes, colocations, edges };
}

/** The node ids of the handles inside `value`, in the order a depth-first walk meets them. */
function handleTargets(value: unknown): string[] {
  const targets: string[] = [];
  // Arguments are checked for cycles only at launch; a graph of an unchecked program must
  // still end.
  const visited = new Set<object>();
  const visit = (item: unknown): void => {
    if (typeof item !== 'object' || item === null || visited.has(item)) return;
    visited.add(item);
    if (item instanceof Handle) {
      targets.push(item.nodeId);
    } else if (Array.isArray(item) || item instanceof Set) {
      for (const member of item as Iterable<unknown>) visit(member);
    } else if (item instanceof Map) {
      for (const [key, member] of item as Map<unknown, unknown>) {
        visit(key);
        visit(member);
      }
    } else if (isPlainObject(item)) {
      for (const member of Object.values(item)) visit(member);
    }
  };
  visit(value);
  return targets;
}

function isPlainObject(value: object): boolean {
  const prototype: unknown = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}
