/**
 * @module
 * {@link diagnose}: what `status --diagnose` reports: every node's state, restarts, pid and
 * death cause, whether it answered a probe (a stack dump, which reaches the node itself),
 * and whether its event loop is blocked; the launch is unhealthy when a node is failed,
 * restarting, did not answer, or is blocked.
 *
 * A stack dump is answered by a node's diagnostics thread even while its event loop is
 * stuck, so an answer alone does not make a node healthy: its event loop must still send
 * its metrics reports (they stop when it is blocked), with a delay under the threshold.
 */
import { LaunchApiError, nodePath, type LaunchApi, type NodeInfo } from './launch-api.ts';
import { thrownMessage } from '../errors/thrown.ts';

/** One node's diagnosis. */
export interface NodeDiagnosis {
  readonly id: string;
  readonly state: string;
  readonly restarts: number;
  /** The node's process id, from its reports or, when it never reported, its stack dump. */
  readonly pid?: number;
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

/** What a diagnosis looks for. */
export interface DiagnoseOptions {
  /** How long a node may take to answer before it counts as unresponsive. */
  readonly probeTimeoutMs: number;
  /** The event-loop delay (p99 over a report's period) above which a node is blocked. */
  readonly maxDelayMs: number;
}

/** The answer of a probe: whether the node answered, its pid and top frame, and why not. */
async function probe(
  api: LaunchApi,
  node: NodeInfo,
  timeoutMs: number,
): Promise<{ answered: boolean | null; pid?: number; where?: string; problem?: string }> {
  if (node.state !== 'running') return { answered: null };
  try {
    const { text } = await api.json<{ text: string }>(`/api/nodes/${nodePath(node.id)}/stack`, {
      method: 'POST',
      timeoutMs,
    });
    const pid = /\(pid (\d+)\)|process (\d+)/.exec(text);
    const where = text.split('\n')[1]?.trim();
    return {
      answered: true,
      ...(pid === null ? {} : { pid: Number(pid[1] ?? pid[2]) }),
      ...(where === undefined || where === '' ? {} : { where }),
    };
  } catch (error) {
    // 501: this build has no stack dumps, which says nothing about the node.
    if (error instanceof LaunchApiError && error.status === 501) return { answered: null };
    return {
      answered: false,
      problem: `unresponsive: ${thrownMessage(error)}`,
    };
  }
}

/** Why a running node's event loop counts as blocked, if it does. */
function blockedProblem(
  node: NodeInfo,
  answered: boolean | null,
  where: string | undefined,
  maxDelayMs: number,
): string | undefined {
  const at = where === undefined ? '' : `; its stack: ${where}`;
  if (node.notReporting === true) {
    const silent = Math.round((node.lastReportAgeMs ?? 0) / 1000);
    return (
      `blocked: its event loop sent no metrics report for ${silent} s` +
      (answered === true ? ' although its diagnostics thread answered' : '') +
      at
    );
  }
  if (node.eventLoopDelayMs !== undefined && node.eventLoopDelayMs > maxDelayMs) {
    return `blocked: event-loop delay ${Math.round(node.eventLoopDelayMs)} ms (p99), over ${maxDelayMs} ms${at}`;
  }
  return undefined;
}

function stateProblem(node: NodeInfo): string | undefined {
  if (node.state === 'failed')
    return `failed${node.deathCause === undefined ? '' : `: ${node.deathCause}`}`;
  if (node.state === 'restarting') {
    return `restarting (restart ${node.restarts}${node.deathCause === undefined ? '' : ` after: ${node.deathCause}`})`;
  }
  return undefined;
}

/** Probes every running node of the launch at once and returns the diagnosis. */
export async function diagnose(api: LaunchApi, options: DiagnoseOptions): Promise<Diagnosis> {
  const { nodes } = await api.json<{ nodes: NodeInfo[] }>('/api/nodes');
  const diagnosed = await Promise.all(
    nodes.map(async (node): Promise<NodeDiagnosis> => {
      const probed = await probe(api, node, options.probeTimeoutMs);
      const { answered } = probed;
      const problem =
        stateProblem(node) ??
        probed.problem ??
        (node.state === 'running'
          ? blockedProblem(node, answered, probed.where, options.maxDelayMs)
          : undefined);
      const pid = node.pid ?? probed.pid;
      return {
        id: node.id,
        state: node.state,
        restarts: node.restarts,
        ...(pid === undefined ? {} : { pid }),
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
