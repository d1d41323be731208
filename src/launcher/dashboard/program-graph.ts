/**
 * @module
 * The shape of a program as the dashboard draws it: its nodes with their group label and
 * colocation, and one edge for each handle a node was given (caller → callee).
 */
import type { Program } from '../../model/program.ts';
import { HandleRef } from '../../rpc/handle-ref.ts';

/** A node of the program graph. */
export interface GraphNode {
  readonly id: string;
  readonly label: string;
  /** The colocation the node shares a process with (`colocation/<n>`), if any. */
  readonly colocation?: string;
}

/** The program's nodes and the handles between them, without call rates. */
export interface ProgramShape {
  readonly nodes: readonly GraphNode[];
  readonly edges: readonly { readonly from: string; readonly to: string }[];
}

/**
 * The graph of `program`, whose nodes' arguments (handles already as refs, in the
 * program's order) are `wireArgs`.
 */
export function programShape(program: Program, wireArgs: readonly unknown[][]): ProgramShape {
  const colocationOf = new Map<string, string>();
  program.colocations.forEach((colocation, index) => {
    for (const id of colocation.nodeIds) colocationOf.set(id, `colocation/${index}`);
  });
  const nodes = program.nodes.map((node) => {
    const colocation = colocationOf.get(node.id);
    return {
      id: node.id,
      label: node.label,
      ...(colocation === undefined ? {} : { colocation }),
    };
  });
  const edges: { from: string; to: string }[] = [];
  const seen = new Set<string>();
  program.nodes.forEach((node, index) => {
    for (const callee of handleTargets(wireArgs[index] ?? [])) {
      const key = `${node.id}\u0000${callee}`;
      if (seen.has(key)) continue;
      seen.add(key);
      edges.push({ from: node.id, to: callee });
    }
  });
  return { nodes, edges };
}

/** The node ids of every handle ref in `value`, in the order found. */
function handleTargets(value: unknown, found: string[] = []): string[] {
  if (value instanceof HandleRef) {
    found.push(value.nodeId);
  } else if (Array.isArray(value)) {
    for (const item of value) handleTargets(item, found);
  } else if (value instanceof Map) {
    for (const item of value.values()) handleTargets(item, found);
  } else if (value instanceof Set) {
    for (const item of value) handleTargets(item, found);
  } else if (typeof value === 'object' && value !== null && !ArrayBuffer.isView(value)) {
    for (const item of Object.values(value)) handleTargets(item, found);
  }
  return found;
}
