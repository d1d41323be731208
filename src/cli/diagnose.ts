/**
 * @module
 * {@link diagnose}: what `status --diagnose` reports: every node's state, restarts and
 * death cause, and whether it answered a probe (a stack dump, which reaches the node
 * itself); the launch is unhealthy when a node is failed, restarting or did not answer.
 */
import { LaunchApiError, nodePath, type LaunchApi, type NodeInfo } from './launch-api.ts';

/** One node's diagnosis. */
export interface NodeDiagnosis {
  readonly id: string;
  readonly state: string;
  readonly restarts: number;
  readonly deathCause?: string;
  /**
   * Whether the node answered the probe; `null` when it was not probed (it is not
   * running) or this build cannot probe (no stack dumps).
   */
  readonly answered: boolean | null;
  /** What is wrong with the node, if anything. */
  readonly problem?: string;
}

/** The diagnosis of a launch. */
export interface Diagnosis {
  readonly launch: string;
  /** False when some node has a problem. */
  readonly healthy: boolean;
  readonly nodes: readonly NodeDiagnosis[];
}

/** The answer of a probe: whether the node answered, and why not. */
async function probe(
  api: LaunchApi,
  node: NodeInfo,
  timeoutMs: number,
): Promise<{ answered: boolean | null; problem?: string }> {
  if (node.state !== 'running') return { answered: null };
  try {
    await api.json(`/api/nodes/${nodePath(node.id)}/stack`, { method: 'POST', timeoutMs });
    return { answered: true };
  } catch (error) {
    // 501: this build has no stack dumps, which says nothing about the node.
    if (error instanceof LaunchApiError && error.status === 501) return { answered: null };
    return {
      answered: false,
      problem: `unresponsive: ${error instanceof Error ? error.message : String(error)}`,
    };
  }
}

function stateProblem(node: NodeInfo): string | undefined {
  if (node.state === 'failed')
    return `failed${node.deathCause === undefined ? '' : `: ${node.deathCause}`}`;
  if (node.state === 'restarting') {
    return `restarting (restart ${node.restarts}${node.deathCause === undefined ? '' : ` after: ${node.deathCause}`})`;
  }
  return undefined;
}

/**
 * Probes every running node of the launch at once and returns the diagnosis.
 *
 * @param probeTimeoutMs - how long a node may take to answer before it counts as unresponsive
 */
export async function diagnose(api: LaunchApi, probeTimeoutMs: number): Promise<Diagnosis> {
  const { nodes } = await api.json<{ nodes: NodeInfo[] }>('/api/nodes');
  const diagnosed = await Promise.all(
    nodes.map(async (node): Promise<NodeDiagnosis> => {
      const { answered, problem: probeProblem } = await probe(api, node, probeTimeoutMs);
      const problem = stateProblem(node) ?? probeProblem;
      return {
        id: node.id,
        state: node.state,
        restarts: node.restarts,
        ...(node.deathCause === undefined ? {} : { deathCause: node.deathCause }),
        answered,
        ...(problem === undefined ? {} : { problem }),
      };
    }),
  );
  return {
    launch: api.launch.id,
    healthy: diagnosed.every((node) => node.problem === undefined),
    nodes: diagnosed,
  };
}
