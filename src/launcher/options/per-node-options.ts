/**
 * @module
 * Options given per node, by group label or node id (`resources`, `restart`): which node
 * a key names, and the resources a node gets.
 */
import { statSync } from 'node:fs';
import { optionError } from './option-check.ts';
import type { LocalResources } from '../../protocol/local-resources.ts';

/** The resources of `node`: its label's, overridden field by field by its id's. */
export function resourcesOf(
  resources: Readonly<Record<string, LocalResources>>,
  node: { readonly id: string; readonly label: string },
): LocalResources {
  const byLabel = resources[node.label] ?? {};
  const byId = resources[node.id] ?? {};
  return {
    env: { ...byLabel.env, ...byId.env },
    nodeFlags: [...(byLabel.nodeFlags ?? []), ...(byId.nodeFlags ?? [])],
    ...((byId.cwd ?? byLabel.cwd) === undefined ? {} : { cwd: byId.cwd ?? byLabel.cwd }),
  };
}

/** Throws when a key of a per-node option names no group label or node id. */
export function checkNodeKeys(
  optionName: string,
  record: Readonly<Record<string, unknown>>,
  nodes: readonly { readonly id: string; readonly label: string }[],
): void {
  const known = new Set(nodes.flatMap((node) => [node.id, node.label]));
  for (const key of Object.keys(record)) {
    if (!known.has(key)) {
      throw optionError(
        `${optionName}[${JSON.stringify(key)}]`,
        `names no group or node of the program; known: ${[...known].sort().join(', ')}.`,
      );
    }
  }
}

/**
 * Throws when a node's `cwd` resource is not an existing directory.
 *
 * @throws LaunchpadError `INVALID_ARGUMENT` naming the node and the path
 */
export function checkNodeCwds(
  nodes: readonly { readonly id: string; readonly label: string }[],
  resources: Readonly<Record<string, LocalResources>>,
): void {
  for (const node of nodes) {
    const { cwd } = resourcesOf(resources, node);
    if (cwd !== undefined && !isDirectory(cwd)) {
      const key = resources[node.id]?.cwd === undefined ? node.label : node.id;
      throw optionError(
        `resources[${JSON.stringify(key)}].cwd`,
        `is ${cwd}, which is not an existing directory (node ${node.id}); create it or fix the path.`,
      );
    }
  }
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}
