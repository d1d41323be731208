/**
 * @module
 * How every drawing of a program graph nests its nodes: one box per label, and inside it
 * one box per colocation (a colocation's nodes always share one label).
 */
import type {
  ProgramGraph,
  ProgramGraphColocation,
  ProgramGraphNode,
} from '../../model/program-graph.ts';

/** The nodes of one label, split into its colocations and the nodes running alone. */
export interface LabelGroup {
  /** The label. */
  readonly label: string;
  /** The colocations whose nodes carry this label, with those nodes. */
  readonly colocations: readonly {
    readonly colocation: ProgramGraphColocation;
    readonly nodes: readonly ProgramGraphNode[];
  }[];
  /** The label's nodes that are in no colocation. */
  readonly nodes: readonly ProgramGraphNode[];
}

/** The graph's nodes grouped by label, in the order of the graph's nodes. */
export function labelGroups(graph: ProgramGraph): LabelGroup[] {
  const byLabel = new Map<
    string,
    { colocations: Map<string, ProgramGraphNode[]>; nodes: ProgramGraphNode[] }
  >();
  for (const node of graph.nodes) {
    let group = byLabel.get(node.label);
    if (group === undefined) {
      group = { colocations: new Map(), nodes: [] };
      byLabel.set(node.label, group);
    }
    if (node.colocation === undefined) {
      group.nodes.push(node);
    } else {
      const members = group.colocations.get(node.colocation) ?? [];
      members.push(node);
      group.colocations.set(node.colocation, members);
    }
  }
  const colocationById = new Map(
    graph.colocations.map((colocation) => [colocation.id, colocation]),
  );
  return [...byLabel].map(([label, group]) => ({
    label,
    nodes: group.nodes,
    colocations: [...group.colocations].map(([id, nodes]) => ({
      colocation: colocationById.get(id) ?? { id, kind: 'threads', nodeIds: [] },
      nodes,
    })),
  }));
}
