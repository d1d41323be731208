/**
 * @module
 * Reading a Pod's status the way `kubectl describe` does, to tell the user why a node
 * did not start or why it ended: the waiting container's reason (`ImagePullBackOff`),
 * an unschedulable Pod's condition, a terminated container's reason (`OOMKilled`), or
 * the Pod's own reason (`Evicted`).
 */
import type { V1Pod } from '@kubernetes/client-node';
import { LaunchpadError, type ErrorCode } from '../../../errors/errors.ts';

/** Why a Pod is still Pending, as `Reason: message`, or undefined when it gives none. */
export function pendingReason(pod: V1Pod): string | undefined {
  const waiting = pod.status?.containerStatuses?.find((c) => c.state?.waiting)?.state?.waiting;
  if (waiting?.reason !== undefined) return joined(waiting.reason, waiting.message);
  const unscheduled = pod.status?.conditions?.find(
    (c) => c.type === 'PodScheduled' && c.status === 'False',
  );
  if (unscheduled?.reason !== undefined) return joined(unscheduled.reason, unscheduled.message);
  return pod.status?.reason === undefined
    ? undefined
    : joined(pod.status.reason, pod.status.message);
}

/** The error of a node whose Pod is still Pending at its start deadline. */
export function notStartedError(
  nodeId: string,
  podName: string,
  pod: V1Pod | undefined,
  deadlineMs: number,
): LaunchpadError {
  const reason = (pod === undefined ? undefined : pendingReason(pod)) ?? 'no reason given yet';
  return podError(
    'DEADLINE_EXCEEDED',
    `Node ${nodeId} did not start: its Pod ${podName} was still Pending after ${seconds(deadlineMs)} (${reason}). ` +
      `Raise the Kubernetes option startDeadlineMs if the cluster is only slow.`,
  );
}

/**
 * The error of a node whose Pod failed without the node saying why: `memory` is its
 * group's limit (named when it was OOMKilled), and `hint` (what the image must hold, for
 * a Python node) ends the message.
 */
export function podFailedError(
  nodeId: string,
  podName: string,
  pod: V1Pod,
  { memory, hint = '' }: { readonly memory?: string | undefined; readonly hint?: string },
): LaunchpadError {
  const terminated = pod.status?.containerStatuses?.find((c) => c.state?.terminated)?.state
    ?.terminated;
  const exit = terminated === undefined ? '' : ` (exit code ${String(terminated.exitCode)})`;
  if (terminated?.reason === 'OOMKilled') {
    return podError(
      'UNKNOWN',
      `Node ${nodeId} was OOMKilled${exit}: its Pod ${podName} went over its memory limit` +
        `${memory === undefined ? '' : ` of ${memory}`}. Raise the Kubernetes option memory of its group.`,
    );
  }
  const why =
    terminated?.reason !== undefined
      ? joined(terminated.reason, terminated.message)
      : pod.status?.reason !== undefined
        ? joined(pod.status.reason, pod.status.message)
        : 'no reason given';
  return podError(
    'UNKNOWN',
    `Node ${nodeId} failed: its Pod ${podName} ended with ${why}${exit}.${hint === '' ? '' : ` ${hint}`}`,
  );
}

/** The error of a node whose Pod was deleted by someone else while the program ran. */
export function deletedError(nodeId: string, podName: string): LaunchpadError {
  return podError(
    'UNAVAILABLE',
    `Node ${nodeId} was stopped: its Pod ${podName} was deleted from outside the launcher (kubectl delete, an eviction or a controller).`,
  );
}

// The Pod's status is the whole story: the launcher's frames would only bury it.
function podError(code: ErrorCode, message: string): LaunchpadError {
  const error = new LaunchpadError(code, message);
  error.stack = `${error.name}: ${message}`;
  return error;
}

function joined(reason: string, message: string | undefined): string {
  return message === undefined || message === '' ? reason : `${reason}: ${message}`;
}

function seconds(ms: number): string {
  return ms % 1_000 === 0 ? `${String(ms / 1_000)} s` : `${String(ms)} ms`;
}
