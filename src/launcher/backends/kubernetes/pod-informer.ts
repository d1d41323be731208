/**
 * @module
 * Following the Pods of one launch the way Kubernetes clients do: list, then watch from
 * the list's `resourceVersion`, through `@kubernetes/client-node`'s `ListWatch`. A watch
 * the server ends is resumed from the last version seen; a `410 Gone` (the version was
 * compacted away) lists again, and Pods missing from the new list are reported deleted;
 * any other failure is retried with backoff for as long as the informer runs.
 */
import * as k8s from '@kubernetes/client-node';
import { LaunchpadError } from '../../../errors/errors.ts';
import { describeRefusal, refusalOf } from './api-errors.ts';

/** What happened to a Pod. */
export type PodChange = 'updated' | 'deleted';

/** A running informer. */
export interface PodInformer {
  /** Stops watching; no watch is opened after this. */
  stop(): void;
}

/** Where and what to watch. */
export interface PodInformerOptions {
  readonly config: k8s.KubeConfig;
  readonly namespace: string;
  readonly labelSelector: string;
  /** Hears every change of a selected Pod. */
  readonly onPod: (change: PodChange, pod: k8s.V1Pod) => void;
  /** Hears failures that will be retried. */
  readonly onRetry?: (error: unknown, delayMs: number) => void;
}

const FIRST_RETRY_MS = 500;
const LONGEST_RETRY_MS = 10_000;

/**
 * Lists the Pods, starts watching them, and resolves once both worked.
 *
 * @throws LaunchpadError `UNAVAILABLE` when the first list or watch fails
 */
export async function startPodInformer(options: PodInformerOptions): Promise<PodInformer> {
  const { config, namespace, labelSelector } = options;
  const path = `/api/v1/namespaces/${namespace}/pods`;
  const core = config.makeApiClient(k8s.CoreV1Api);
  const watch = new StoppableWatch(config);
  const informer = new k8s.ListWatch<k8s.V1Pod>(
    path,
    watch,
    () => core.listNamespacedPod({ namespace, labelSelector }),
    false,
    labelSelector,
  );
  let firstError: unknown;
  let starting = true;
  let retryMs = FIRST_RETRY_MS;
  let retry: NodeJS.Timeout | undefined;
  const heard = (change: PodChange) => (pod: k8s.V1Pod) => {
    retryMs = FIRST_RETRY_MS;
    options.onPod(change, pod);
  };
  informer.on(k8s.ADD, heard('updated'));
  informer.on(k8s.UPDATE, heard('updated'));
  informer.on(k8s.DELETE, heard('deleted'));
  informer.on(k8s.ERROR, (error: unknown) => {
    if (starting) {
      firstError ??= error;
      return;
    }
    if (watch.stopped) return;
    options.onRetry?.(error, retryMs);
    retry = setTimeout(() => {
      void informer.start();
    }, retryMs);
    retryMs = Math.min(retryMs * 2, LONGEST_RETRY_MS);
  });
  await informer.start();
  starting = false;
  if (firstError !== undefined) {
    watch.stopped = true;
    await informer.stop();
    const server = config.getCurrentCluster()?.server ?? '(no server in the kubeconfig)';
    const detail = describeRefusal(refusalOf(firstError));
    throw new LaunchpadError('UNAVAILABLE', `Cannot watch Pods at ${server}${path}: ${detail}`, {
      cause: firstError,
    });
  }
  return {
    stop: () => {
      watch.stopped = true;
      clearTimeout(retry);
      void informer.stop();
    },
  };
}

/**
 * A `Watch` that opens nothing once stopped: `ListWatch.stop()` aborts the open watch, but
 * a list in flight at that moment would otherwise open a new one afterwards.
 */
class StoppableWatch extends k8s.Watch {
  stopped = false;

  override watch(
    path: string,
    queryParams: Record<string, string | number | boolean | undefined>,
    callback: (phase: string, apiObj: unknown, watchObj?: unknown) => void,
    done: (err: unknown) => void,
  ): Promise<AbortController> {
    if (!this.stopped) return super.watch(path, queryParams, callback, done);
    const controller = new AbortController();
    controller.abort();
    return Promise.resolve(controller);
  }
}
