/**
 * Pod `status` objects as a kubelet and the scheduler write them: the phase, the
 * PodScheduled condition, and the container's state with its reason, so the launcher
 * reads the same fields it would read on a real cluster.
 */
import { CONTAINER_NAME } from '../../../src/launcher/backends/kubernetes/manifests.ts';

/** How a fake container ended. */
export interface Termination {
  readonly exitCode: number;
  /** `Completed`, `Error`, `OOMKilled`… */
  readonly reason: string;
  readonly message?: string;
}

const now = (): string => new Date().toISOString();

/** Created, not yet scheduled. */
export function pendingStatus(): Record<string, unknown> {
  return { phase: 'Pending', qosClass: 'Guaranteed' };
}

/** The scheduler found no node for the Pod. */
export function unschedulableStatus(message: string): Record<string, unknown> {
  return {
    phase: 'Pending',
    conditions: [
      {
        type: 'PodScheduled',
        status: 'False',
        reason: 'Unschedulable',
        message,
        lastTransitionTime: now(),
      },
    ],
  };
}

/** Scheduled, but the container waits (`ImagePullBackOff`, `ErrImagePull`…). */
export function waitingStatus(
  image: string,
  reason: string,
  message: string,
): Record<string, unknown> {
  return {
    phase: 'Pending',
    hostIP: '127.0.0.1',
    conditions: [{ type: 'PodScheduled', status: 'True', lastTransitionTime: now() }],
    containerStatuses: [
      {
        name: CONTAINER_NAME,
        image,
        imageID: '',
        ready: false,
        restartCount: 0,
        started: false,
        state: { waiting: { reason, message } },
      },
    ],
  };
}

/** The container runs; the Pod has its IP (every fake Pod shares the host's loopback). */
export function runningStatus(image: string): Record<string, unknown> {
  const startedAt = now();
  return {
    phase: 'Running',
    hostIP: '127.0.0.1',
    podIP: '127.0.0.1',
    startTime: startedAt,
    conditions: [
      { type: 'PodScheduled', status: 'True', lastTransitionTime: startedAt },
      { type: 'Ready', status: 'True', lastTransitionTime: startedAt },
    ],
    containerStatuses: [
      {
        name: CONTAINER_NAME,
        image,
        imageID: `docker.io/library/${image}@sha256:0`,
        ready: true,
        restartCount: 0,
        started: true,
        state: { running: { startedAt } },
      },
    ],
  };
}

/** The container ended: `Succeeded` for exit code 0, else `Failed`. */
export function terminatedStatus(image: string, end: Termination): Record<string, unknown> {
  return {
    phase: end.exitCode === 0 ? 'Succeeded' : 'Failed',
    hostIP: '127.0.0.1',
    podIP: '127.0.0.1',
    conditions: [
      { type: 'PodScheduled', status: 'True', lastTransitionTime: now() },
      { type: 'Ready', status: 'False', reason: 'PodCompleted', lastTransitionTime: now() },
    ],
    containerStatuses: [
      {
        name: CONTAINER_NAME,
        image,
        imageID: `docker.io/library/${image}@sha256:0`,
        ready: false,
        restartCount: 0,
        started: false,
        state: {
          terminated: {
            exitCode: end.exitCode,
            reason: end.reason,
            ...(end.message === undefined ? {} : { message: end.message }),
            finishedAt: now(),
          },
        },
      },
    ],
  };
}
