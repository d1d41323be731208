/**
 * What a V8 heap snapshot holds, summarised for the footprint benchmark: the code of each
 * group of modules (its functions' compiled bytecode, closures and metadata, and its
 * source text when V8 keeps a copy), then the rest of the live heap by kind of object.
 * A snapshot counts only the JavaScript heap that is reachable: no garbage, no memory
 * outside V8's heap (Node's own buffers pool, native addons, thread stacks).
 */
import { readFileSync } from 'node:fs';

interface Snapshot {
  readonly snapshot: {
    readonly meta: {
      readonly node_fields: readonly string[];
      readonly node_types: readonly [readonly string[], ...unknown[]];
      readonly edge_fields: readonly string[];
      readonly edge_types: readonly [readonly string[], ...unknown[]];
    };
  };
  readonly nodes: readonly number[];
  readonly edges: readonly number[];
  readonly strings: readonly string[];
}

/** The group of modules a script URL belongs to. */
function moduleGroup(url: string): string {
  if (url.startsWith('node:')) return 'code: Node.js internals';
  if (url.includes('/node_modules/msgpackr')) return 'code: msgpackr';
  if (url.includes('/node_modules/')) return 'code: other packages';
  if (/\/(dist|src)\//.test(url) && !url.includes('/bench/')) return 'code: launchpad-ts';
  if (url.startsWith('file:')) return "code: the program's own module";
  return 'code: other scripts';
}

const KIND_NAMES: Record<string, string> = {
  string: 'strings',
  'concatenated string': 'strings',
  'sliced string': 'strings',
  object: 'objects',
  closure: 'other closures',
  array: 'arrays and hidden arrays',
  hidden: 'V8 internals (hidden)',
  code: 'other code and V8 metadata',
  'object shape': 'object shapes (maps)',
  native: 'native (ArrayBuffers, …)',
};

/** Bytes of the live heap in `path` by group, largest first, with the total. */
export function summariseSnapshot(path: string): { total: number; groups: Map<string, number> } {
  const snapshot = JSON.parse(readFileSync(path, 'utf8')) as Snapshot;
  const { meta } = snapshot.snapshot;
  const { nodes, edges, strings } = snapshot;
  const nodeFields = meta.node_fields.length;
  const edgeFields = meta.edge_fields.length;
  const [TYPE, NAME, SIZE, EDGES] = ['type', 'name', 'self_size', 'edge_count'].map((field) =>
    meta.node_fields.indexOf(field),
  ) as [number, number, number, number];
  const [EDGE_TYPE, EDGE_NAME, EDGE_TO] = ['type', 'name_or_index', 'to_node'].map((field) =>
    meta.edge_fields.indexOf(field),
  ) as [number, number, number];
  const nodeTypes = meta.node_types[0];
  const edgeTypes = meta.edge_types[0];
  const count = nodes.length / nodeFields;
  const firstEdge = new Uint32Array(count);
  for (let node = 0, edge = 0; node < count; node++) {
    firstEdge[node] = edge;
    edge += (nodes[node * nodeFields + EDGES] ?? 0) * edgeFields;
  }
  const at = (node: number, field: number): number => nodes[node * nodeFields + field] ?? 0;
  /** The named edges of `node`, as name → target node. */
  const namedEdges = (node: number): Map<string, number> => {
    const named = new Map<string, number>();
    for (let k = 0; k < at(node, EDGES); k++) {
      const base = (firstEdge[node] ?? 0) + k * edgeFields;
      const type = edgeTypes[edges[base + EDGE_TYPE] ?? 0];
      if (type === 'element' || type === 'hidden') continue;
      named.set(
        strings[edges[base + EDGE_NAME] ?? 0] ?? '',
        (edges[base + EDGE_TO] ?? 0) / nodeFields,
      );
    }
    return named;
  };

  const groups = new Map<string, number>();
  const counted = new Uint8Array(count);
  const add = (group: string, node: number | undefined): void => {
    if (node === undefined || counted[node] === 1) return;
    counted[node] = 1;
    groups.set(group, (groups.get(group) ?? 0) + at(node, SIZE));
  };
  // Scripts: a code node with a source and a name.
  const scriptGroup = new Map<number, string>();
  for (let node = 0; node < count; node++) {
    if (nodeTypes[at(node, TYPE)] !== 'code') continue;
    const named = namedEdges(node);
    const source = named.get('source');
    const name = named.get('name');
    if (source === undefined || name === undefined) continue;
    const group = moduleGroup(strings[at(name, NAME)] ?? '');
    scriptGroup.set(node, group);
    add(group, node);
    add(group, source);
  }
  // Functions: each one's shared info, bytecode and metadata belong to its script's group,
  // and so does every closure made of it.
  const functionGroup = new Map<number, string>();
  for (let node = 0; node < count; node++) {
    if (nodeTypes[at(node, TYPE)] !== 'code') continue;
    const named = namedEdges(node);
    const script = named.get('script_or_debug_info') ?? named.get('script');
    const group = script === undefined ? undefined : scriptGroup.get(script);
    if (group === undefined) continue;
    functionGroup.set(node, group);
    add(group, node);
    for (const part of [
      'function_data',
      'name_or_scope_info',
      'raw_outer_scope_info_or_feedback_metadata',
    ]) {
      const target = named.get(part);
      if (target !== undefined && nodeTypes[at(target, TYPE)] !== 'string') add(group, target);
    }
  }
  for (let node = 0; node < count; node++) {
    if (nodeTypes[at(node, TYPE)] !== 'closure') continue;
    const named = namedEdges(node);
    const shared = named.get('shared');
    const group = shared === undefined ? undefined : functionGroup.get(shared);
    if (group === undefined) continue;
    add(group, node);
    add(group, named.get('feedback_cell'));
  }
  let total = 0;
  for (let node = 0; node < count; node++) {
    total += at(node, SIZE);
    const type = nodeTypes[at(node, TYPE)] ?? 'other';
    add(KIND_NAMES[type] ?? 'other', node);
  }
  return { total, groups: new Map([...groups].sort((a, b) => b[1] - a[1])) };
}
