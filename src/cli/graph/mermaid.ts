/**
 * @module
 * A program graph as a Mermaid flowchart (renders in GitHub Markdown): a subgraph per
 * label, a nested one per colocation, rectangles for service nodes, stadiums for function
 * nodes, an arrow from caller to callee.
 */
import type { ProgramGraph, ProgramGraphNode } from '../../model/program-graph.ts';
import { labelGroups } from './graph-groups.ts';

/** Text inside a Mermaid label: quotes written as the entity Mermaid knows. */
function text(value: string): string {
  return `"${value.replace(/"/g, '#quot;')}"`;
}

/** `graph` as a Mermaid `flowchart`. */
export function renderMermaid(graph: ProgramGraph): string {
  // Mermaid ids cannot hold `/`: number the nodes and show their ids as labels.
  const ids = new Map(graph.nodes.map((node, index) => [node.id, `n${index}`]));
  const idOf = (nodeId: string): string => ids.get(nodeId) ?? nodeId;
  const nodeLine = (node: ProgramGraphNode, indent: string): string =>
    node.kind !== 'function'
      ? `${indent}${idOf(node.id)}[${text(node.id)}]`
      : `${indent}${idOf(node.id)}([${text(node.id)}])`;
  const lines = ['flowchart LR'];
  labelGroups(graph).forEach((group, groupIndex) => {
    lines.push(`  subgraph g${groupIndex}[${text(group.label)}]`);
    group.colocations.forEach(({ colocation, nodes }, colocationIndex) => {
      lines.push(
        `    subgraph g${groupIndex}c${colocationIndex}[${text(`${colocation.id} (${colocation.kind})`)}]`,
      );
      for (const node of nodes) lines.push(nodeLine(node, '      '));
      lines.push('    end');
    });
    for (const node of group.nodes) lines.push(nodeLine(node, '    '));
    lines.push('  end');
  });
  for (const edge of graph.edges) lines.push(`  ${idOf(edge.from)} --> ${idOf(edge.to)}`);
  return `${lines.join('\n')}\n`;
}
