/**
 * @module
 * A program graph as an SVG picture: elkjs lays it out (a layered drawing, callers left of
 * callees, label and colocation boxes nested), and this file writes the SVG text from the
 * coordinates elkjs computes. elkjs is loaded only here, only for `--format svg`.
 */
import type { ElkExtendedEdge, ElkNode, ElkPoint } from 'elkjs/lib/elk-api.js';
import type { ProgramGraph, ProgramGraphNode } from '../../model/program-graph.ts';
import { labelGroups } from './graph-groups.ts';

const NODE_HEIGHT = 32;
// A rough width of one character of the 13px sans-serif font the picture uses.
const CHAR_WIDTH = 7.5;
const BOX_PADDING = '[top=30,left=12,bottom=12,right=12]';

/** Text and attribute values with XML's special characters escaped. */
function escapeXml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;');
}

function nodeBox(node: ProgramGraphNode): ElkNode {
  return { id: node.id, width: node.id.length * CHAR_WIDTH + 28, height: NODE_HEIGHT };
}

/** A box holding other boxes, with room at its top for its title and wide enough for it. */
function container(id: string, title: string, children: ElkNode[]): ElkNode {
  return {
    id,
    children,
    layoutOptions: {
      'elk.padding': BOX_PADDING,
      'elk.nodeSize.constraints': 'MINIMUM_SIZE',
      'elk.nodeSize.minimum': `(${title.length * CHAR_WIDTH + 24}, 0)`,
    },
  };
}

/** The graph elkjs lays out: label boxes, colocation boxes inside them, node boxes. */
function elkGraph(graph: ProgramGraph): {
  root: ElkNode & { edges: ElkExtendedEdge[] };
  titles: Map<string, string>;
} {
  const titles = new Map<string, string>();
  const children = labelGroups(graph).map((group) => {
    const id = `label:${group.label}`;
    titles.set(id, group.label);
    const colocations = group.colocations.map(({ colocation, nodes }) => {
      const title = `${colocation.id} (${colocation.kind})`;
      titles.set(colocation.id, title);
      return container(colocation.id, title, nodes.map(nodeBox));
    });
    return container(id, group.label, [...colocations, ...group.nodes.map(nodeBox)]);
  });
  const root = {
    id: 'root',
    layoutOptions: {
      'elk.algorithm': 'layered',
      'elk.direction': 'RIGHT',
      // Edges run between nodes of different boxes: lay the whole hierarchy out at once.
      'elk.hierarchyHandling': 'INCLUDE_CHILDREN',
      // Every coordinate relative to the picture, not to the box holding it.
      'elk.json.shapeCoords': 'ROOT',
      'elk.json.edgeCoords': 'ROOT',
      'elk.padding': '[top=12,left=12,bottom=12,right=12]',
      'elk.spacing.nodeNode': '20',
      'elk.layered.spacing.nodeNodeBetweenLayers': '48',
    },
    children,
    edges: graph.edges.map((edge, index): ElkExtendedEdge => ({
      id: `edge${index}`,
      sources: [edge.from],
      targets: [edge.to],
    })),
  };
  return { root, titles };
}

/** `graph` as a standalone SVG document. */
export async function renderSvg(graph: ProgramGraph): Promise<string> {
  // A CommonJS module: its `default` export sits on the module object Node hands over.
  const ELK = (await import('elkjs/lib/elk.bundled.js')).default.default;
  const { root, titles } = elkGraph(graph);
  const laidOut = await new ELK().layout(root);
  const kinds = new Map(graph.nodes.map((node) => [node.id, node.kind]));
  const shapes: string[] = [];
  const visit = (box: ElkNode): void => {
    const { x = 0, y = 0, width = 0, height = 0 } = box;
    const title = titles.get(box.id);
    if (title !== undefined) {
      const dashed = box.id.startsWith('colocation/') ? ' stroke-dasharray="4 3"' : '';
      shapes.push(
        `<rect class="group" x="${x}" y="${y}" width="${width}" height="${height}" rx="8" fill="none" stroke="#8a94a6"${dashed}/>`,
        `<text class="group-title" x="${x + 10}" y="${y + 19}" fill="#4a5261">${escapeXml(title)}</text>`,
      );
    } else if (box.id !== 'root') {
      const rounded = kinds.get(box.id) === 'function' ? height / 2 : 6;
      shapes.push(
        `<rect class="node" x="${x}" y="${y}" width="${width}" height="${height}" rx="${rounded}" fill="#e8f0fe" stroke="#3b6fd6"/>`,
        `<text class="node-id" x="${x + width / 2}" y="${y + height / 2 + 4.5}" text-anchor="middle">${escapeXml(box.id)}</text>`,
      );
    }
    for (const child of box.children ?? []) visit(child);
  };
  visit(laidOut);
  const edges = laidOut.edges.flatMap((edge) =>
    (edge.sections ?? []).map((section) => {
      const points: ElkPoint[] = [
        section.startPoint,
        ...(section.bendPoints ?? []),
        section.endPoint,
      ];
      const path = points.map((point, index) => `${index === 0 ? 'M' : 'L'}${point.x} ${point.y}`);
      return `<path class="edge" d="${path.join(' ')}" fill="none" stroke="#555" marker-end="url(#arrow)"/>`;
    }),
  );
  const width = laidOut.width ?? 0;
  const height = laidOut.height ?? 0;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="Helvetica, Arial, sans-serif" font-size="13">`,
    `<title>${escapeXml(graph.program)}</title>`,
    '<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="8" markerHeight="8" orient="auto-start-reverse"><path d="M0 0 L10 5 L0 10 z" fill="#555"/></marker></defs>',
    ...shapes,
    ...edges,
    '</svg>',
    '',
  ].join('\n');
}
