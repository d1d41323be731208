/**
 * @module
 * A program graph as Graphviz DOT: a cluster per label, a nested cluster per colocation,
 * boxes for service nodes, ellipses for function nodes, an arrow from caller to callee.
 */
import type { ProgramGraph, ProgramGraphNode } from '../../model/program-graph.ts';
import { labelGroups } from './graph-groups.ts';

/** A DOT identifier, always quoted: node ids hold `/`. */
function quote(text: string): string {
  return `"${text.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

function nodeLine(node: ProgramGraphNode, indent: string): string {
  // Nodes that serve calls (TypeScript or Python services) are boxes, functions ellipses.
  const shape = node.kind === 'function' ? 'ellipse' : 'box';
  return `${indent}${quote(node.id)} [shape=${shape}];`;
}

/** `graph` in DOT, ready for `dot -Tsvg`. */
export function renderDot(graph: ProgramGraph): string {
  const lines = [
    `digraph ${quote(graph.program)} {`,
    '  rankdir=LR;',
    '  node [fontname="Helvetica"];',
  ];
  for (const group of labelGroups(graph)) {
    // A cluster's name must start with "cluster" for Graphviz to draw its box.
    lines.push(`  subgraph ${quote(`cluster_label_${group.label}`)} {`);
    lines.push(`    label=${quote(group.label)};`);
    for (const { colocation, nodes } of group.colocations) {
      lines.push(`    subgraph ${quote(`cluster_${colocation.id}`)} {`);
      lines.push(`      label=${quote(`${colocation.id} (${colocation.kind})`)};`);
      lines.push('      style=dashed;');
      for (const node of nodes) lines.push(nodeLine(node, '      '));
      lines.push('    }');
    }
    for (const node of group.nodes) lines.push(nodeLine(node, '    '));
    lines.push('  }');
  }
  for (const edge of graph.edges) lines.push(`  ${quote(edge.from)} -> ${quote(edge.to)};`);
  lines.push('}');
  return `${lines.join('\n')}\n`;
}
