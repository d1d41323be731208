/**
 * @module
 * The Kubernetes objects of a launch: a Secret with each node's bootstrap (so the launch
 * secret never appears in a Pod spec), a headless Service that gives every Pod a stable
 * DNS name (`<hostname>.<service>.<namespace>.svc`, see {@link podDnsName}), and one Pod per node with its group's image and
 * resources. A TypeScript node's Pod runs Node.js; a Python node's runs the Python
 * interpreter on the `launchpad_ts` package. Pods never restart themselves: the
 * launcher replaces the Pod of a node its restart policy restarts.
 */
import { createHash } from 'node:crypto';
import { dumpYaml } from '@kubernetes/client-node';
import { TASK_VARIABLE } from '../../../node/colocated-task.ts';
import { BOOTSTRAP_VARIABLE } from '../../../protocol/node-spec.ts';
import type { Program } from '../../../model/program.ts';
import { isPythonNode } from '../../../model/python-node.ts';
import type { KubernetesResources } from './descriptor/kubernetes-options.ts';

/** Labels every object of a launch carries. */
export const LABELS = {
  managedBy: 'app.kubernetes.io/managed-by',
  launch: 'launchpad-ts/launch',
  group: 'launchpad-ts/group',
} as const;

/** The annotation holding a Pod's node id (ids contain `/`, which label values may not). */
export const NODE_ID_ANNOTATION = 'launchpad-ts/node-id';

/** The container name in every Pod. */
export const CONTAINER_NAME = 'node';

/** What the manifests are made from. */
export interface ManifestPlan {
  /** The program. */
  readonly program: Program;
  /** A short id unique to this launch, part of every name. */
  readonly launchId: string;
  /** The namespace. */
  readonly namespace: string;
  /** Each group's container settings. */
  readonly resources: ReadonlyMap<string, KubernetesResources>;
  /** The directory of the program's code in the image. */
  readonly workingDir: string;
  /** The command that runs one node, relative to `workingDir`. */
  readonly command: readonly string[];
  /** The command of a pod that hosts a colocation, relative to `workingDir`. */
  readonly colocationCommand: readonly string[];
  /** The command of a Python node's Pod (`python3 -u -m launchpad_ts`). */
  readonly pythonCommand: readonly string[];
  /**
   * Where a Python node's Pod finds the `launchpad_ts` package (`PYTHONPATH`), relative
   * to `workingDir`; a group's own `PYTHONPATH` comes after it.
   */
  readonly pythonPath: string;
  /** Each node's bootstrap JSON, by node id. */
  bootstrap(nodeId: string): string;
}

/** One Kubernetes object as plain JSON, the form the API server takes. */
export interface KubeManifest {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: {
    readonly name: string;
    readonly namespace: string;
    readonly labels: Readonly<Record<string, string>>;
    readonly annotations?: Readonly<Record<string, string>>;
  };
  readonly [field: string]: unknown;
}

/** The objects of one launch, and which Pod runs which node. */
export interface Manifests {
  readonly secret: KubeManifest;
  readonly service: KubeManifest;
  readonly pods: readonly KubeManifest[];
  /** Pod name → the ids of the nodes it runs (one, or a colocation's). */
  readonly nodesOfPod: ReadonlyMap<string, readonly string[]>;
}

/** Lower-case letters, digits and `-`, as DNS labels need; at most `max` characters. */
export function dnsLabel(text: string, max: number): string {
  const cleaned = text
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/^-+|-+$/g, '');
  return cleaned.slice(0, max).replace(/-+$/, '') || 'x';
}

/** One Pod of a launch before it is rendered: its names and the nodes it runs. */
interface PlannedPod {
  readonly node: Program['nodes'][number];
  readonly colocation: Program['colocations'][number] | undefined;
  readonly nodeIds: readonly string[];
  /** The Pod's `spec.hostname`, a DNS label. */
  readonly hostname: string;
  /** The Pod's name. */
  readonly name: string;
}

/** The name every object of a launch starts with; also the Service's name. */
function baseName(program: Program, launchId: string): string {
  // 63 characters is the limit of a DNS label, hence of names used as host names.
  return `lp-${dnsLabel(program.name, 40)}-${launchId}`;
}

/** Every Pod of the launch with its unique name and host name. */
function planPods(program: Program, launchId: string): PlannedPod[] {
  const base = baseName(program, launchId);
  const usedHostnames = new Set<string>();
  const usedNames = new Set<string>();
  return podUnits(program).map(({ node, colocation }) => {
    const nodeIds = colocation?.nodeIds ?? [node.id];
    const key = nodeIds.join(',');
    const indices = nodeIds.map((id) => id.slice(id.lastIndexOf('/') + 1));
    const hostname = uniqueLabel(
      `${dnsLabel(node.label, 50)}-${indices.join('-')}`,
      key,
      usedHostnames,
    );
    const name = uniqueLabel(`${base}-${hostname}`, key, usedNames);
    return { node, colocation, nodeIds, hostname, name };
  });
}

/**
 * The DNS name a headless Service `subdomain` gives a Pod with `spec.hostname` and
 * `spec.subdomain` set: `<hostname>.<subdomain>.<namespace>.svc`. Pods in any namespace
 * resolve it through their search path (`…svc.<cluster domain>`), whatever the cluster
 * domain is.
 */
export function podDnsName(hostname: string, subdomain: string, namespace: string): string {
  return `${hostname}.${subdomain}.${namespace}.svc`;
}

/**
 * The name each node of the launch is reached by: its Pod's DNS name (a colocation's
 * nodes share their Pod's), by node id.
 */
export function nodeDnsNames(
  program: Program,
  launchId: string,
  namespace: string,
): Map<string, string> {
  const subdomain = baseName(program, launchId);
  return new Map(
    planPods(program, launchId).flatMap(({ nodeIds, hostname }) =>
      nodeIds.map((id): [string, string] => [id, podDnsName(hostname, subdomain, namespace)]),
    ),
  );
}

/** Builds the launch's objects. */
export function buildManifests(plan: ManifestPlan): Manifests {
  const { program, namespace, launchId } = plan;
  const base = baseName(program, launchId);
  const commonLabels = { [LABELS.managedBy]: 'launchpad-ts', [LABELS.launch]: launchId };
  const nodesOfPod = new Map<string, readonly string[]>();
  const stringData: Record<string, string> = {};
  const pods = planPods(program, launchId).map(({ node, colocation, hostname, name }) => {
    nodesOfPod.set(name, colocation?.nodeIds ?? [node.id]);
    // A colocation's pod gets every node's bootstrap; one node's pod, its own.
    stringData[name] =
      colocation === undefined
        ? plan.bootstrap(node.id)
        : JSON.stringify({
            kind: colocation.kind,
            bootstraps: colocation.nodeIds.map((id) => JSON.parse(plan.bootstrap(id)) as unknown),
          });
    const settings = plan.resources.get(node.label) ?? {};
    const limits: Record<string, string> = {};
    if (settings.cpu !== undefined) limits['cpu'] = String(settings.cpu);
    if (settings.memory !== undefined) limits['memory'] = settings.memory;
    const requests = { ...limits };
    if (settings.gpus !== undefined && settings.gpus > 0) {
      limits['nvidia.com/gpu'] = String(settings.gpus);
    }
    const python = colocation === undefined && isPythonNode(node);
    const ownEnv = { ...settings.env };
    if (python) {
      // The package first, then the group's own path: one PYTHONPATH entry, not two.
      ownEnv['PYTHONPATH'] = [plan.pythonPath, ownEnv['PYTHONPATH']]
        .filter((part) => part !== undefined && part !== '')
        .join(':');
    }
    const env = [
      {
        name: colocation === undefined ? BOOTSTRAP_VARIABLE : TASK_VARIABLE,
        valueFrom: { secretKeyRef: { name: base, key: name } },
      },
      ...Object.entries(ownEnv).map(([envName, value]) => ({ name: envName, value })),
    ];
    const command =
      colocation !== undefined
        ? plan.colocationCommand
        : python
          ? plan.pythonCommand
          : plan.command;
    const pod: KubeManifest = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        name,
        namespace,
        labels: { ...commonLabels, [LABELS.group]: dnsLabel(node.label, 63) },
        annotations: { [NODE_ID_ANNOTATION]: (colocation?.nodeIds ?? [node.id]).join(',') },
      },
      spec: {
        restartPolicy: 'Never',
        hostname,
        subdomain: base,
        containers: [
          {
            name: CONTAINER_NAME,
            image: settings.image ?? '',
            workingDir: plan.workingDir,
            command: [...command],
            env,
            ...(Object.keys(limits).length > 0 ? { resources: { requests, limits } } : {}),
          },
        ],
        ...(settings.nodeSelector === undefined
          ? {}
          : { nodeSelector: { ...settings.nodeSelector } }),
      },
    };
    return pod;
  });
  const secret: KubeManifest = {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: base, namespace, labels: commonLabels },
    type: 'Opaque',
    stringData,
  };
  const service: KubeManifest = {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: base, namespace, labels: commonLabels },
    spec: {
      clusterIP: 'None',
      selector: { [LABELS.launch]: launchId },
      // Nodes find each other before they are "ready"; their names must resolve at once.
      publishNotReadyAddresses: true,
    },
  };
  return { secret, service, pods, nodesOfPod };
}

/** The manifests as one multi-document YAML stream. */
export function manifestsYaml(manifests: Manifests): string {
  const objects = [manifests.secret, manifests.service, ...manifests.pods];
  return objects.map((object) => `---\n${dumpYaml(object)}`).join('');
}

/** One pod per node, except that a colocation's nodes share the pod of its first node. */
function podUnits(
  program: Program,
): { node: Program['nodes'][number]; colocation: Program['colocations'][number] | undefined }[] {
  const colocations = program.colocations;
  return program.nodes.flatMap((node) => {
    const colocation = colocations.find(({ nodeIds }) => nodeIds.includes(node.id));
    if (colocation !== undefined && colocation.nodeIds[0] !== node.id) return [];
    return [{ node, colocation }];
  });
}

/**
 * `candidate` as a DNS label of at most 63 characters, unique among `used`: when it had to
 * be cut, or clashes (labels such as `a_b` and `a-b` clean to the same text), its end is
 * replaced by a short hash of `key`.
 */
function uniqueLabel(candidate: string, key: string, used: Set<string>): string {
  let label = candidate.slice(0, 63).replace(/-+$/, '');
  if (label !== candidate || used.has(label)) {
    const hash = createHash('sha256').update(key).digest('hex').slice(0, 6);
    label = `${candidate.slice(0, 56).replace(/-+$/, '')}-${hash}`;
  }
  used.add(label);
  return label;
}

/**
 * The Pod that replaces `podName` for its node's restart number `restart`: the same Pod
 * under a new name, with the same host name, so peers reach it at the same DNS name.
 */
export function replacementPod(
  manifests: Manifests,
  podName: string,
  restart: number,
): KubeManifest {
  const pod = manifests.pods.find((candidate) => candidate.metadata.name === podName);
  if (pod === undefined) throw new Error(`No Pod ${podName} in this launch.`);
  return { ...pod, metadata: { ...pod.metadata, name: `${podName}-r${String(restart)}` } };
}
