/**
 * @module
 * The Kubernetes objects of a launch: a Secret with each node's bootstrap (so the launch
 * secret never appears in a Pod spec), a headless Service that gives every Pod a stable
 * DNS name (`<label>-<index>.<service>`), and one Pod per node with its group's image and
 * resources. Pods never restart: a node that fails fails the program, as everywhere else.
 */
import { dumpYaml } from '@kubernetes/client-node';
import { BOOTSTRAP_VARIABLE } from '../../control/node-spec.ts';
import type { Program } from '../../program/program.ts';
import type { KubernetesResources } from './kubernetes-options.ts';

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
  /** Pod name → node id. */
  readonly nodeOfPod: ReadonlyMap<string, string>;
}

/** Lower-case letters, digits and `-`, as DNS labels need; at most `max` characters. */
export function dnsLabel(text: string, max: number): string {
  const cleaned = text
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/^-+|-+$/g, '');
  return cleaned.slice(0, max).replace(/-+$/, '') || 'x';
}

/** Builds the launch's objects. */
export function buildManifests(plan: ManifestPlan): Manifests {
  const { program, namespace, launchId } = plan;
  // 63 characters is the limit of a DNS label, hence of names used as host names.
  const base = `lp-${dnsLabel(program.name, 40)}-${launchId}`;
  const commonLabels = { [LABELS.managedBy]: 'launchpad-ts', [LABELS.launch]: launchId };
  const nodeOfPod = new Map<string, string>();
  const stringData: Record<string, string> = {};
  const pods = program.nodes.map((node) => {
    const index = node.id.slice(node.id.lastIndexOf('/') + 1);
    const hostname = `${dnsLabel(node.label, 50)}-${index}`;
    const name = `${base}-${hostname}`.slice(0, 63).replace(/-+$/, '');
    nodeOfPod.set(name, node.id);
    stringData[name] = plan.bootstrap(node.id);
    const settings = plan.resources.get(node.label) ?? {};
    const limits: Record<string, string> = {};
    if (settings.cpu !== undefined) limits['cpu'] = String(settings.cpu);
    if (settings.memory !== undefined) limits['memory'] = settings.memory;
    const requests = { ...limits };
    if (settings.gpus !== undefined && settings.gpus > 0) {
      limits['nvidia.com/gpu'] = String(settings.gpus);
    }
    const env = [
      {
        name: BOOTSTRAP_VARIABLE,
        valueFrom: { secretKeyRef: { name: base, key: name } },
      },
      ...Object.entries(settings.env ?? {}).map(([envName, value]) => ({ name: envName, value })),
    ];
    const pod: KubeManifest = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        name,
        namespace,
        labels: { ...commonLabels, [LABELS.group]: dnsLabel(node.label, 63) },
        annotations: { [NODE_ID_ANNOTATION]: node.id },
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
            command: [...plan.command],
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
  return { secret, service, pods, nodeOfPod };
}

/** The manifests as one multi-document YAML stream. */
export function manifestsYaml(manifests: Manifests): string {
  const objects = [manifests.secret, manifests.service, ...manifests.pods];
  return objects.map((object) => `---\n${dumpYaml(object)}`).join('');
}
