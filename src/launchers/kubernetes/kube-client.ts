/**
 * @module
 * The calls the launcher makes to the API server, through `@kubernetes/client-node`
 * 1.4.x (2.x does not run on Node 20): create and delete the launch's objects, watch its
 * Pods, and follow one Pod's log.
 */
import { Writable } from 'node:stream';
import * as k8s from '@kubernetes/client-node';
import { LaunchpadError } from '../../errors.ts';
import type { KubernetesCluster } from './kubernetes-options.ts';
import { CONTAINER_NAME, LABELS, type KubeManifest, type Manifests } from './manifests.ts';

/** Loads the cluster's configuration: the given server, else the default kubeconfig. */
export function loadKubeConfig(cluster: KubernetesCluster | undefined): k8s.KubeConfig {
  const config = new k8s.KubeConfig();
  if (cluster === undefined) {
    config.loadFromDefault();
    return config;
  }
  config.loadFromOptions({
    clusters: [
      {
        name: 'launchpad',
        server: cluster.server,
        // The client refuses plain http unless told to skip TLS checks; there is no TLS there.
        skipTLSVerify: cluster.skipTlsVerify ?? cluster.server.startsWith('http:'),
      },
    ],
    users: [
      { name: 'launchpad', ...(cluster.token === undefined ? {} : { token: cluster.token }) },
    ],
    contexts: [{ name: 'launchpad', cluster: 'launchpad', user: 'launchpad' }],
    currentContext: 'launchpad',
  });
  return config;
}

/** The API calls of one launch. */
export class KubeClient {
  readonly #config: k8s.KubeConfig;
  readonly #core: k8s.CoreV1Api;
  readonly #namespace: string;

  /**
   * @param config - where the cluster is
   * @param namespace - where the launch's objects live
   */
  constructor(config: k8s.KubeConfig, namespace: string) {
    this.#config = config;
    this.#core = config.makeApiClient(k8s.CoreV1Api);
    this.#namespace = namespace;
  }

  /** Creates the Secret, the Service, then every Pod. */
  async apply(manifests: Manifests): Promise<void> {
    const namespace = this.#namespace;
    await explain('create Secret', () =>
      this.#core.createNamespacedSecret({
        namespace,
        body: asModel<k8s.V1Secret>(manifests.secret),
      }),
    );
    await explain('create Service', () =>
      this.#core.createNamespacedService({
        namespace,
        body: asModel<k8s.V1Service>(manifests.service),
      }),
    );
    for (const pod of manifests.pods) {
      await explain(`create Pod ${pod.metadata.name}`, () =>
        this.#core.createNamespacedPod({ namespace, body: asModel<k8s.V1Pod>(pod) }),
      );
    }
  }

  /** Deletes every object of the launch; objects already gone are fine. */
  async deleteAll(manifests: Manifests): Promise<void> {
    const namespace = this.#namespace;
    const gone = (call: () => Promise<unknown>): Promise<unknown> =>
      call().catch((error: unknown) => {
        if (statusOf(error) !== 404) throw error;
      });
    await Promise.all(
      manifests.pods.map((pod) =>
        gone(() => this.#core.deleteNamespacedPod({ name: pod.metadata.name, namespace })),
      ),
    );
    const name = manifests.service.metadata.name;
    await gone(() => this.#core.deleteNamespacedService({ name, namespace }));
    await gone(() => this.#core.deleteNamespacedSecret({ name, namespace }));
  }

  /**
   * Watches the launch's Pods; `onPod` gets every change. Resolves with the controller
   * that ends the watch; `onEnd` is called when the server ends it.
   */
  watchPods(
    launchId: string,
    onPod: (type: string, pod: k8s.V1Pod) => void,
    onEnd: (error: unknown) => void,
  ): Promise<AbortController> {
    const path = `/api/v1/namespaces/${this.#namespace}/pods`;
    return new k8s.Watch(this.#config)
      .watch(
        path,
        { labelSelector: `${LABELS.launch}=${launchId}` },
        (type, object) => {
          onPod(type, object as k8s.V1Pod);
        },
        onEnd,
      )
      .catch((error: unknown) => {
        const server = this.#config.getCurrentCluster()?.server ?? '(no server in the kubeconfig)';
        throw new LaunchpadError(
          'UNAVAILABLE',
          `Cannot watch Pods at ${server}${path}: ${error instanceof Error ? error.message : String(error)}`,
          { cause: error },
        );
      });
  }

  /**
   * Follows `podName`'s log, handing each line to `onLine`; `ended` resolves when the
   * server ends the log (the container has exited).
   */
  async followLog(
    podName: string,
    onLine: (line: string) => void,
  ): Promise<{ readonly controller: AbortController; readonly ended: Promise<void> }> {
    let partial = '';
    const sink = new Writable({
      write(chunk: Buffer, _encoding, callback) {
        const lines = (partial + chunk.toString('utf8')).split('\n');
        partial = lines.pop() ?? '';
        for (const line of lines) onLine(line);
        callback();
      },
      final(callback) {
        if (partial !== '') onLine(partial);
        callback();
      },
    });
    const ended = new Promise<void>((resolve) => {
      sink.once('close', resolve);
      sink.once('finish', resolve);
    });
    const controller = await new k8s.Log(this.#config).log(
      this.#namespace,
      podName,
      CONTAINER_NAME,
      sink,
      {
        follow: true,
      },
    );
    return { controller, ended };
  }
}

// client-node types bodies as its model classes, but it serializes plain JSON objects of
// the same shape (that is what its ObjectSerializer reads); the manifests are such objects.
// eslint-disable-next-line @typescript-eslint/no-unnecessary-type-parameters -- the caller names the model
function asModel<TModel>(manifest: KubeManifest): TModel {
  return manifest as unknown as TModel;
}

function statusOf(error: unknown): number | undefined {
  const code = (error as { code?: unknown }).code;
  return typeof code === 'number' ? code : undefined;
}

async function explain(what: string, call: () => Promise<unknown>): Promise<void> {
  try {
    await call();
  } catch (error) {
    const body = (error as { body?: unknown }).body;
    const detail =
      typeof body === 'string' ? body : error instanceof Error ? error.message : String(error);
    throw new LaunchpadError('FAILED_PRECONDITION', `Kubernetes refused to ${what}: ${detail}`, {
      cause: error,
    });
  }
}
