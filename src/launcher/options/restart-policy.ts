/**
 * @module
 * Restart policies: what a launcher does when a node ends. Launchpad has none (the first
 * failure stops the program); `never` keeps that default.
 */
import { checkOption, optionError } from './option-check.ts';
import { isOnePolicy, restartShape } from './option-shapes.ts';
import { checkNodeKeys } from './per-node-options.ts';

/** When to restart a node. */
export type RestartMode =
  /** Never: a failure stops the program, a clean end just ends the node. */
  | 'never'
  /** After a failure (a throw, a non-zero exit, a kill), up to `maxRestarts` times. */
  | 'on-failure'
  /** After any end, failure or not, up to `maxRestarts` times, until the program stops. */
  | 'always';

/** A node's restart policy. */
export interface RestartPolicy {
  /** When to restart. @default 'never' */
  readonly mode: RestartMode;
  /**
   * How many restarts at most within any `windowMs`; past it, a failure stops the
   * program. @default 3
   */
  readonly maxRestarts?: number;
  /** Delay before the first restart, doubled after each (exponential backoff). @default 100 */
  readonly backoffMs?: number;
  /** The largest delay between restarts. @default 5000 */
  readonly maxBackoffMs?: number;
  /**
   * The window restarts are counted in: a restart older than this no longer counts
   * against `maxRestarts` (as a supervisor's restart intensity). @default 600000 (10 min)
   */
  readonly windowMs?: number;
  /**
   * A run that lasted this long was healthy: the next restart's backoff starts again
   * from `backoffMs`. @default 60000 (1 min)
   */
  readonly resetAfterMs?: number;
}

/**
 * Restart policies by group label or node id (a node id wins over its label), or one
 * policy for every node.
 */
export type RestartPolicies = RestartPolicy | Readonly<Record<string, RestartPolicy>>;

/** A policy with every default filled in. */
export type ResolvedRestartPolicy = Required<RestartPolicy>;

const NEVER: ResolvedRestartPolicy = {
  mode: 'never',
  maxRestarts: 0,
  backoffMs: 0,
  maxBackoffMs: 0,
  windowMs: 0,
  resetAfterMs: 0,
};
function isPolicy(value: RestartPolicies): value is RestartPolicy {
  return isOnePolicy(value);
}

/** `policy` (already checked) with every default filled in. */
function resolvePolicy(policy: RestartPolicy): ResolvedRestartPolicy {
  return {
    mode: policy.mode,
    maxRestarts: policy.maxRestarts ?? 3,
    backoffMs: policy.backoffMs ?? 100,
    maxBackoffMs: policy.maxBackoffMs ?? 5_000,
    windowMs: policy.windowMs ?? 600_000,
    resetAfterMs: policy.resetAfterMs ?? 60_000,
  };
}

/**
 * Validates `policies` (their shape, then their keys against the program's labels and
 * node ids), and returns the policy of each node.
 *
 * @throws LaunchpadError `INVALID_ARGUMENT` naming the option's path, e.g.
 * `restart["learner"].maxRestarts`, or a key that names no group or node
 */
export function resolveRestartPolicies(
  policies: RestartPolicies | undefined,
  nodes: readonly { readonly id: string; readonly label: string }[],
): Map<string, ResolvedRestartPolicy> {
  const result = new Map<string, ResolvedRestartPolicy>();
  if (policies === undefined) {
    for (const node of nodes) result.set(node.id, NEVER);
    return result;
  }
  checkOption(restartShape, policies, 'restart');
  if (isPolicy(policies)) {
    const policy = resolvePolicy(policies);
    for (const node of nodes) result.set(node.id, policy);
    return result;
  }
  checkNodeKeys('restart', policies, nodes);
  for (const node of nodes) {
    const policy = policies[node.id] ?? policies[node.label];
    result.set(node.id, policy === undefined ? NEVER : resolvePolicy(policy));
  }
  return result;
}

/**
 * Refuses a restart policy for a colocated node where a colocation runs as one unit (one
 * Slurm task, one Pod): restarting one of its nodes would restart its siblings too.
 *
 * @throws LaunchpadError `INVALID_ARGUMENT` naming the node and the launch type
 */
export function refuseColocatedRestarts(
  policies: ReadonlyMap<string, ResolvedRestartPolicy>,
  colocations: readonly { readonly nodeIds: readonly string[] }[],
  launchType: string,
): void {
  for (const { nodeIds } of colocations) {
    const restarted = nodeIds.find((id) => (policies.get(id)?.mode ?? 'never') !== 'never');
    if (restarted !== undefined) {
      throw optionError(
        `restart["${restarted}"]`,
        `restarts node ${restarted}, which is colocated: under ${launchType} a colocation ` +
          'runs as one unit, so its nodes cannot be restarted one by one. Give it mode "never" ' +
          'or launch it under processes.',
      );
    }
  }
}
