/**
 * @module
 * The calls the launcher makes to the API server, through `@kubernetes/client-node`
 * 1.4.x (2.x does not run on Node 20): create and delete the launch's objects, watch its
 * Pods, and follow one Pod's log.
 */
import { Writable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import * as k8s from '@kubernetes/client-node';
import { LaunchpadError } from '../../../errors/errors.ts';
import { describeRefusal, isTransient, refusalOf, statusOf } from './api-errors.ts';
import type { KubernetesCluster } from './descriptor/kubernetes-options.ts';
import { CONTAINER_NAME, type KubeManifest, type Manifests } from './manifests.ts';

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

/** One object the launch created, to delete on the way down. */
interface Created {
  readonly kind: 'Secret' | 'Service' | 'Pod';
  readonly name: string;
}

/** What to check, by the HTTP code of a refused create. */
const HINTS: Readonly<Record<number, string>> = {
  403: " Check the RBAC rights of the kubeconfig's user in that namespace.",
  409: ' An object of that name exists already (another launch, or one left behind).',
  422: ' The API server found the manifest invalid; render it with --lp_dry_run to see it.',
};

/** How many times a delete that failed with a 5xx, a 429 or no answer is tried. */
const DELETE_ATTEMPTS = 3;

/** The API calls of one launch. */
export class KubeClient {
  readonly #config: k8s.KubeConfig;
  readonly #core: k8s.CoreV1Api;
  readonly #namespace: string;
  /** What this launch created, and only that: a name clash (409) is someone else's object. */
  readonly #created: Created[] = [];

  /**
   * @param config - where the cluster is
   * @param namespace - where the launch's objects live
   */
  constructor(config: k8s.KubeConfig, namespace: string) {
    this.#config = config;
    this.#core = config.makeApiClient(k8s.CoreV1Api);
    this.#namespace = namespace;
  }

  /** The kubeconfig this client uses. */
  get config(): k8s.KubeConfig {
    return this.#config;
  }

  /**
   * Creates the Secret, the Service, then every Pod; `onPod` hears each Pod created.
   *
   * @throws LaunchpadError `FAILED_PRECONDITION` naming the object and the API's reason
   *   when the API server refuses one; what was created before stays for {@link deleteAll}
   */
  async apply(manifests: Manifests, onPod?: (podName: string) => void): Promise<void> {
    const namespace = this.#namespace;
    await this.#create('Secret', manifests.secret, (body) =>
      this.#core.createNamespacedSecret({ namespace, body: asModel<k8s.V1Secret>(body) }),
    );
    await this.#create('Service', manifests.service, (body) =>
      this.#core.createNamespacedService({ namespace, body: asModel<k8s.V1Service>(body) }),
    );
    for (const pod of manifests.pods) {
      await this.#create('Pod', pod, (body) =>
        this.#core.createNamespacedPod({ namespace, body: asModel<k8s.V1Pod>(body) }),
      );
      onPod?.(pod.metadata.name);
    }
  }

  /**
   * Deletes every object this launch created; objects already gone are fine, and every
   * object is tried even when another fails.
   *
   * @throws LaunchpadError `UNAVAILABLE` listing the objects left behind
   */
  async deleteAll(): Promise<void> {
    const namespace = this.#namespace;
    const remove = ({ kind, name }: Created): Promise<unknown> =>
      kind === 'Pod'
        ? this.#core.deleteNamespacedPod({ name, namespace })
        : kind === 'Service'
          ? this.#core.deleteNamespacedService({ name, namespace })
          : this.#core.deleteNamespacedSecret({ name, namespace });
    // Pods first, in parallel: the Service and Secret they use go once they are asked to go.
    const pods = this.#created.filter((object) => object.kind === 'Pod');
    const others = this.#created.filter((object) => object.kind !== 'Pod').reverse();
    const results = await Promise.allSettled(pods.map((pod) => deleteWithRetries(pod, remove)));
    for (const object of others)
      results.push(...(await Promise.allSettled([deleteWithRetries(object, remove)])));
    const left = results.flatMap((result, index) =>
      result.status === 'rejected'
        ? [
            `${describeObject([...pods, ...others][index])}: ${describeRefusal(refusalOf(result.reason))}`,
          ]
        : [],
    );
    if (left.length > 0) {
      throw new LaunchpadError(
        'UNAVAILABLE',
        `Kubernetes kept ${String(left.length)} object(s) in namespace ${namespace}; delete them by hand: ${left.join('; ')}`,
      );
    }
  }

  /**
   * Creates one more Pod (a node's replacement) beside the launch's objects.
   *
   * @throws LaunchpadError `FAILED_PRECONDITION` with the API's reason when it is refused
   */
  async createPod(pod: KubeManifest): Promise<void> {
    const namespace = this.#namespace;
    await this.#create('Pod', pod, (body) =>
      this.#core.createNamespacedPod({ namespace, body: asModel<k8s.V1Pod>(body) }),
    );
  }

  /**
   * Deletes Pod `name` of this launch; one already gone is fine. `now` kills its
   * containers at once (a grace period of 0) rather than after the Pod's grace period.
   */
  async deletePod(name: string, now = false): Promise<void> {
    const namespace = this.#namespace;
    const body = now ? { body: { gracePeriodSeconds: 0 } } : {};
    await deleteWithRetries({ kind: 'Pod', name }, () =>
      this.#core.deleteNamespacedPod({ name, namespace, ...body }),
    );
  }

  /** Pod `name` as the API server has it now, or undefined when it cannot be read. */
  async readPod(name: string): Promise<k8s.V1Pod | undefined> {
    return this.#core
      .readNamespacedPod({ name, namespace: this.#namespace })
      .catch(() => undefined);
  }

  async #create(
    kind: Created['kind'],
    manifest: KubeManifest,
    call: (body: KubeManifest) => Promise<unknown>,
  ): Promise<void> {
    const name = manifest.metadata.name;
    try {
      await call(manifest);
    } catch (error) {
      const refusal = refusalOf(error);
      const hint = HINTS[refusal.code ?? 0] ?? '';
      throw new LaunchpadError(
        'FAILED_PRECONDITION',
        `Kubernetes refused to create ${kind} ${name} in namespace ${this.#namespace}: ${describeRefusal(refusal)}.${hint}`,
        { cause: error },
      );
    }
    this.#created.push({ kind, name });
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

async function deleteWithRetries(
  object: Created,
  remove: (object: Created) => Promise<unknown>,
): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await remove(object);
      return;
    } catch (error) {
      if (statusOf(error) === 404) return;
      if (!isTransient(error) || attempt >= DELETE_ATTEMPTS) throw error;
      await sleep(200 * attempt);
    }
  }
}

function describeObject(object: Created | undefined): string {
  return object === undefined ? 'an object' : `${object.kind} ${object.name}`;
}
