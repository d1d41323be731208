/**
 * @module
 * The `kubernetes` backend: one Pod per node (or per colocation) behind a headless
 * Service, created through the API server. Pods run the shared child main (a Python
 * node's Pod, the Python interpreter on `launchpad_ts`) and reach the
 * launcher's control plane for their spec, their peers and the stop; the backend watches
 * their phases, follows their logs with node-id prefixes, replaces the Pod of a node its
 * restart policy restarts, and deletes every object it created when the program stops.
 * Render mode writes the manifests and creates nothing.
 */
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { relative } from 'node:path';
import type { V1Pod } from '@kubernetes/client-node';
import { RemoteError } from '../../../errors/errors.ts';
import { settlesWithin } from '../../../internal/within.ts';
import type { SessionContext, UnitStart } from '../../session/launch-session.ts';
import type { NodeRun } from '../../session/node-runs.ts';
import { unitEndingWith, type Unit, type UnitEnd } from '../../../spawn/unit.ts';
import {
  entryScriptPath,
  NODE_CONDITION_FLAG,
  typeScriptLoaderUrl,
  type EntryScript,
} from '../../../spawn/node-command.ts';
import { isPythonNode } from '../../../model/python-node.ts';
import { PYTHON_PACKAGE_ROOT, pythonNodeCommand } from '../../../spawn/python-command.ts';
import type { BackendFactory } from '../../session/launch-setup.ts';
import { KubeClient, loadKubeConfig } from './kube-client.ts';
import { startDeadlineOf, type KubernetesLaunch } from './descriptor/kubernetes-options.ts';
import {
  buildManifests,
  LABELS,
  manifestsYaml,
  nodeDnsNames,
  replacementPod,
  type Manifests,
} from './manifests.ts';
import { kubernetesNetwork } from './network.ts';
import { startPodInformer, type PodChange, type PodInformer } from './pod-informer.ts';
import { deletedError, notStartedError, pendingReason, podFailedError } from './pod-report.ts';
import { thrownAsError } from '../../../errors/thrown.ts';

/**
 * The command of a Pod: Node.js with the nodes' package condition, tsx if the code is
 * TypeScript, an entry script.
 */
function podCommand(entry: EntryScript, args: readonly string[]): string[] {
  const loader = typeScriptLoaderUrl() === undefined ? [] : ['--import', 'tsx'];
  return [
    'node',
    NODE_CONDITION_FLAG,
    ...loader,
    relative(process.cwd(), entryScriptPath(entry)),
    ...args,
  ];
}

/**
 * The command of a Python node's Pod: the `python` option names the interpreter in the
 * image (no launcher-side check: the image's Python is not the launcher's).
 */
function podPythonCommand(interpreter: string): string[] {
  const { command, args } = pythonNodeCommand(interpreter, undefined);
  return [command, ...args];
}

/** The backend that runs `setup` on Kubernetes, or renders its manifests. */
export const kubernetesBackend: BackendFactory<KubernetesLaunch> = (
  setup,
  { options: kube, groups },
) => {
  const { program, options, ids, lifecycle } = setup;
  const startDeadlineMs = startDeadlineOf(kube);
  const args = setup.args;
  const namespace = kube.namespace ?? 'default';
  const launchId = randomBytes(3).toString('hex');
  const render = (bootstrap: (nodeId: string) => string): Manifests =>
    buildManifests({
      program,
      launchId,
      namespace,
      resources: groups,
      workingDir: kube.workingDir ?? process.cwd(),
      command: podCommand('node/child-entry', args),
      colocationCommand: podCommand('node/task-entry', args),
      pythonCommand: podPythonCommand(options.python),
      // Like the entry scripts: the image holds launchpad-ts where the launcher has it.
      pythonPath: relative(process.cwd(), PYTHON_PACKAGE_ROOT),
      bootstrap,
    });

  // Set by prepare(), before any Pod exists.
  let session!: SessionContext;
  const say = (line: string): void => {
    session.say(line);
  };
  const logs = new Map<string, Promise<{ controller: AbortController; ended: Promise<void> }>>();
  // Made on first use: a dry run reads no cluster configuration.
  let kubeClient: KubeClient | undefined;
  const client = (): KubeClient =>
    (kubeClient ??= new KubeClient(loadKubeConfig(kube.cluster), namespace));
  /** The last status seen of each Pod, to say why one is still Pending. */
  const lastSeen = new Map<string, V1Pod>();
  const pendingReasons = new Map<string, string>();
  /** Which nodes each Pod of this launch runs, replacements included. */
  const podNodes = new Map<string, readonly string[]>();
  /** Pods that have left Pending. */
  const startedPods = new Set<string>();
  /** The run each Pod runs of each of its nodes: events of a replaced Pod end only its own. */
  const runsIn = new Map<string, Map<string, NodeRun>>();
  /** The Pod of each node's latest run, deleted before its replacement is created. */
  const podOf = new Map<string, string>();
  const deadlines = new Set<NodeJS.Timeout>();
  let manifests: Manifests | undefined;
  let informer: PodInformer | undefined;

  const endPod = (podName: string, end: (nodeId: string) => Error | undefined): void => {
    for (const [nodeId, run] of runsIn.get(podName) ?? []) run.end({ error: end(nodeId) });
  };
  const followLog = (podName: string, nodeIds: readonly string[]): void => {
    if (logs.has(podName)) return;
    // A colocation's pod prints lines its nodes already prefixed.
    const prefix = nodeIds.length === 1 ? `[${nodeIds[0] ?? podName}] ` : '';
    const following = client().followLog(podName, (line) =>
      options.stdout.write(`${prefix}${line}\n`),
    );
    following.catch(() => undefined);
    logs.set(podName, following);
  };
  // The node's own report (what it threw) says most; else the Pod's status says why.
  const failure = (nodeId: string, podName: string, pod: V1Pod): Error => {
    const exitCode = pod.status?.containerStatuses?.[0]?.state?.terminated?.exitCode ?? 1;
    const reported = session.plane.exitError(nodeId, {
      code: exitCode === 0 ? 1 : exitCode,
      signal: null,
    });
    if (reported instanceof RemoteError) return reported;
    const node = program.nodes.find((candidate) => candidate.id === nodeId);
    const settings = groups.get(node?.label ?? '');
    // A Python node that could not say why most often met an image without its Python.
    const hint =
      node !== undefined && isPythonNode(node)
        ? `A Python node's image (${settings?.image ?? '?'}) must have Python ≥ 3.10 with numpy as "${options.python}" ` +
          '(the python launch option, --lp_python or LP_PYTHON, names the interpreter in the image); its output above says more.'
        : '';
    return podFailedError(nodeId, podName, pod, { memory: settings?.memory, hint });
  };
  const onPod = (change: PodChange, pod: V1Pod): void => {
    const podName = pod.metadata?.name ?? '';
    const nodeIds = podNodes.get(podName);
    if (nodeIds === undefined) return;
    lastSeen.set(podName, pod);
    const phase = pod.status?.phase;
    if (phase === 'Running' || phase === 'Succeeded' || phase === 'Failed') {
      startedPods.add(podName);
      followLog(podName, nodeIds);
    }
    if (phase === 'Running') {
      // A Pod whose run has ended (it was replaced) says nothing of its node; one not yet
      // followed by its node's run still counts.
      const current = (nodeId: string): boolean =>
        runsIn.get(podName)?.get(nodeId)?.hasEnded !== true;
      for (const nodeId of nodeIds.filter(current)) session.running(nodeId);
    }
    const reason = phase === 'Pending' ? pendingReason(pod) : undefined;
    if (reason !== undefined && pendingReasons.get(podName) !== reason) {
      pendingReasons.set(podName, reason);
      say(`Pod ${podName} (${nodeIds.join(', ')}) is Pending: ${reason}`);
    }
    const deleted = change === 'deleted' || pod.metadata?.deletionTimestamp !== undefined;
    if (deleted && !lifecycle.stopping) {
      endPod(podName, (nodeId) => deletedError(nodeId, podName));
    } else if (phase === 'Succeeded' || (change === 'deleted' && phase !== 'Failed')) {
      endPod(podName, () => undefined);
    } else if (phase === 'Failed') {
      endPod(podName, (nodeId) => failure(nodeId, podName, pod));
    }
  };
  // A Pod that never leaves Pending (an image that cannot be pulled, no node with room)
  // would keep the program waiting for ever: past the deadline its nodes fail, saying why.
  const watchStartDeadline = (podName: string): void => {
    const failUnstarted = async (): Promise<void> => {
      if (startedPods.has(podName)) return;
      // The Pod's status now, not as last watched: its reason may be newer.
      const pod = (await client().readPod(podName)) ?? lastSeen.get(podName);
      // It started after all; the watch brings the news.
      if (pod?.status?.phase !== undefined && pod.status.phase !== 'Pending') return;
      endPod(podName, (nodeId) => notStartedError(nodeId, podName, pod, startDeadlineMs));
    };
    const timer = setTimeout(() => {
      deadlines.delete(timer);
      void failUnstarted();
    }, startDeadlineMs);
    deadlines.add(timer);
  };
  const follow = ({ nodeId, run }: UnitStart, podName: string): Unit<UnitEnd> => {
    const runs = runsIn.get(podName) ?? new Map<string, NodeRun>();
    runs.set(nodeId, run);
    runsIn.set(podName, runs);
    podOf.set(nodeId, podName);
    // A Pod deleted with no grace period has its containers killed at once.
    return unitEndingWith(run.ended, () => {
      const deleted = (): void => {
        run.end({ error: undefined });
      };
      void client().deletePod(podName, true).then(deleted, deleted);
    });
  };
  // A restarted node gets a new Pod: its old one is deleted first, so that one Pod at a
  // time answers to the node's host name.
  const replace = (launch: UnitStart): Unit<UnitEnd> => {
    const { nodeId, restart, run } = launch;
    const created = manifests;
    const first = created?.pods.find((pod) => podNodes.get(pod.metadata.name)?.includes(nodeId));
    if (created === undefined || first === undefined) throw new Error(`No Pod runs ${nodeId}.`);
    const old = podOf.get(nodeId);
    const pod = replacementPod(created, first.metadata.name, restart);
    podNodes.set(pod.metadata.name, [nodeId]);
    const unit = follow(launch, pod.metadata.name);
    void (async () => {
      if (old !== undefined) await client().deletePod(old);
      await client().createPod(pod);
      watchStartDeadline(pod.metadata.name);
      say(`created Pod ${pod.metadata.name} for ${nodeId} (restart ${String(restart)}).`);
    })().catch((error: unknown) => {
      run.end({ error: thrownAsError(error) });
    });
    return unit;
  };

  // A node's first run follows the Pod the launch created; a restart gets a new Pod.
  const startOrReplace = (launch: UnitStart): Unit<UnitEnd> => {
    if (launch.restart > 0) return replace(launch);
    const podName = [...podNodes].find(([, nodeIds]) => nodeIds.includes(launch.nodeId))?.[0] ?? '';
    return follow(launch, podName);
  };

  return {
    announceStates: true,
    // No control plane runs, so the rendered bootstraps say where its values would go.
    submission: {
      render: () =>
        manifestsYaml(
          render((nodeId) =>
            JSON.stringify({ controlAddress: '<launcher>:<port>', secret: '<secret>', nodeId }),
          ),
        ),
      renderTo: kube.renderTo,
    },
    colocationUnit: 'Pod',
    controlPlane: (() => {
      const network = kubernetesNetwork(kube, process.env, hostname());
      return {
        host: network.controlHost,
        advertiseHost: network.advertiseHost,
        // Each Pod has its own network: its servers bind all of it. Only a loopback control
        // host (a test cluster that shares this machine's network) keeps them on loopback.
        nodeBindHost: network.nodeBindHost,
        // Peers find a node by its Pod's DNS name, which the headless Service gives; the
        // Pod's host name resolves nowhere else.
        nodeAdvertiseHosts: nodeDnsNames(program, launchId, namespace),
        unreachableHint:
          `The launcher listens on ${network.controlHost}, reached at ${network.advertiseHost}. ` +
          'Set the kubernetes option advertiseHost to a name or address of the launcher that Pods resolve and reach, ' +
          'and controlHost to an interface of the launcher on that network.',
      };
    })(),
    prepare: async (context) => {
      session = context;
      const { plane } = context;
      const rendered = render((nodeId) => JSON.stringify(plane.bootstrap(nodeId)));
      manifests = rendered;
      for (const [podName, nodeIds] of rendered.nodesOfPod) podNodes.set(podName, nodeIds);
      informer = await startPodInformer({
        config: client().config,
        namespace,
        labelSelector: `${LABELS.launch}=${launchId}`,
        onPod,
        onRetry: (error, delayMs) => {
          if (!lifecycle.stopping)
            say(`watching Pods failed (${String(error)}); trying again in ${String(delayMs)} ms.`);
        },
      });
      await client().apply(rendered);
      for (const podName of rendered.nodesOfPod.keys()) watchStartDeadline(podName);
      say(
        `created ${String(ids.length)} Pods for program ${program.name} in namespace ${namespace} ` +
          `(launch ${launchId}, Service ${rendered.service.metadata.name}).`,
      );
    },
    nothingStarted: () => startedPods.size === 0,
    start: startOrReplace,
    // A Python node runs in its Pod as any node does: never as a process of the launcher.
    startPython: startOrReplace,
    release: async () => {
      // Let the logs of ended Pods drain so their last lines are not lost.
      const toDrain = [...logs.values()];
      await settlesWithin(
        Promise.all(
          toDrain.map((following) =>
            following.then(
              (f) => f.ended,
              () => undefined,
            ),
          ),
        ),
        2_000,
      );
      for (const timer of deadlines) clearTimeout(timer);
      if (manifests !== undefined) {
        say(`deleting the Pods, Service and Secret of launch ${launchId}.`);
        await client()
          .deleteAll()
          .catch((error: unknown) => {
            say(`could not delete every object of launch ${launchId}: ${String(error)}`);
          });
      }
      informer?.stop();
      for (const following of logs.values()) {
        void following.then(
          (f) => {
            f.controller.abort();
          },
          () => undefined,
        );
      }
    },
  };
};
