/**
 * @module
 * The `kubernetes` launcher: one Pod per node (or per colocation) behind a headless
 * Service, created through
 * the API server. Pods run the shared child main and reach the launcher's control plane
 * for their spec, their peers and the stop; the launcher watches their phases, follows
 * their logs with node-id prefixes, and deletes every object it created when the program
 * stops. Render mode writes the manifests and creates nothing.
 */
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { relative } from 'node:path';
import type { V1Pod } from '@kubernetes/client-node';
import { startControlPlane, type ControlPlane } from '../../session/control-plane.ts';
import { RemoteError } from '../../../errors/errors.ts';
import { deferred } from '../../../internal/deferred.ts';
import { settlesWithin } from '../../../internal/within.ts';
import {
  entryScriptPath,
  typeScriptLoaderUrl,
  type EntryScript,
} from '../../../spawn/node-command.ts';
import type { LaunchSetup } from '../../session/launch-setup.ts';
import { KubeClient, loadKubeConfig } from './kube-client.ts';
import { resolveKubernetesGroups, startDeadlineOf } from '../../options/kubernetes-options.ts';
import {
  buildManifests,
  LABELS,
  manifestsYaml,
  nodeDnsNames,
  type Manifests,
} from './manifests.ts';
import { kubernetesNetwork } from './network.ts';
import { startPodInformer, type PodChange, type PodInformer } from './pod-informer.ts';
import { deletedError, notStartedError, pendingReason, podFailedError } from './pod-report.ts';

/** The command of a Pod: Node.js, tsx if the code is TypeScript, an entry script. */
function podCommand(entry: EntryScript, args: readonly string[]): string[] {
  const loader = typeScriptLoaderUrl() === undefined ? [] : ['--import', 'tsx'];
  return ['node', ...loader, relative(process.cwd(), entryScriptPath(entry)), ...args];
}

type PodState = 'pending' | 'running' | 'done' | 'failed';

/** Launches `program` on Kubernetes, or renders its manifests. */
export function launchKubernetes(setup: LaunchSetup): void {
  const { program, options, ids, wireArgs, entry, secret, workdir, lifecycle, book } = setup;
  const kube = options.kubernetes;
  const groups = resolveKubernetesGroups(program.name, [...program.groups.keys()], kube);
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
      bootstrap,
    });

  if (options.dryRun || kube.renderTo !== undefined) {
    // No control plane runs, so the rendered bootstraps say where its values would go.
    const yaml = manifestsYaml(
      render((nodeId) =>
        JSON.stringify({ controlAddress: '<launcher>:<port>', secret: '<secret>', nodeId }),
      ),
    );
    if (kube.renderTo !== undefined) writeFileSync(kube.renderTo, yaml);
    else options.stdout.write(yaml);
    lifecycle.endWithoutRunning();
    return;
  }

  const say = (line: string): void => {
    options.stderr.write(`launchpad-ts: ${line}\n`);
  };
  const states = new Map<string, PodState>(ids.map((id) => [id, 'pending']));
  const allEnded = deferred<undefined>();
  const logs = new Map<string, Promise<{ controller: AbortController; ended: Promise<void> }>>();
  const client = new KubeClient(loadKubeConfig(kube.cluster), namespace);
  /** The last status seen of each Pod, to say why one is still Pending. */
  const lastSeen = new Map<string, V1Pod>();
  const pendingReasons = new Map<string, string>();
  let plane: ControlPlane | undefined;
  let manifests: Manifests | undefined;
  let informer: PodInformer | undefined;
  let startDeadline: NodeJS.Timeout | undefined;

  const setState = (nodeId: string, state: PodState, error?: Error): void => {
    const current = states.get(nodeId);
    if (current === undefined || current === 'done' || current === 'failed' || current === state)
      return;
    states.set(nodeId, state);
    say(`${nodeId}: ${state}`);
    if (state === 'done' || state === 'failed') {
      book.unregister(nodeId);
      lifecycle.nodeEnded(nodeId, error);
      if ([...states.values()].every((s) => s === 'done' || s === 'failed'))
        allEnded.resolve(undefined);
    }
  };
  const followLog = (podName: string, nodeIds: readonly string[]): void => {
    if (logs.has(podName)) return;
    // A colocation's pod prints lines its nodes already prefixed.
    const prefix = nodeIds.length === 1 ? `[${nodeIds[0] ?? podName}] ` : '';
    const following = client.followLog(podName, (line) =>
      options.stdout.write(`${prefix}${line}\n`),
    );
    following.catch(() => undefined);
    logs.set(podName, following);
  };
  // The node's own report (what it threw) says most; else the Pod's status says why.
  const failure = (nodeId: string, podName: string, pod: V1Pod): Error => {
    const exitCode = pod.status?.containerStatuses?.[0]?.state?.terminated?.exitCode ?? 1;
    const reported = plane?.exitError(nodeId, {
      code: exitCode === 0 ? 1 : exitCode,
      signal: null,
    });
    if (reported instanceof RemoteError) return reported;
    const label = program.nodes.find((node) => node.id === nodeId)?.label ?? '';
    return podFailedError(nodeId, podName, pod, groups.get(label)?.memory);
  };
  const onPod = (change: PodChange, pod: V1Pod): void => {
    const podName = pod.metadata?.name ?? '';
    const nodeIds = manifests?.nodesOfPod.get(podName);
    if (nodeIds === undefined) return;
    lastSeen.set(podName, pod);
    const phase = pod.status?.phase;
    if (phase === 'Running' || phase === 'Succeeded' || phase === 'Failed') {
      followLog(podName, nodeIds);
      if (phase === 'Running') for (const nodeId of nodeIds) setState(nodeId, 'running');
    }
    const reason = phase === 'Pending' ? pendingReason(pod) : undefined;
    if (reason !== undefined && pendingReasons.get(podName) !== reason) {
      pendingReasons.set(podName, reason);
      say(`Pod ${podName} (${nodeIds.join(', ')}) is Pending: ${reason}`);
    }
    const deleted = change === 'deleted' || pod.metadata?.deletionTimestamp !== undefined;
    if (deleted && !lifecycle.stopping) {
      for (const nodeId of nodeIds) setState(nodeId, 'failed', deletedError(nodeId, podName));
    } else if (phase === 'Succeeded' || (change === 'deleted' && phase !== 'Failed')) {
      for (const nodeId of nodeIds) setState(nodeId, 'done');
    } else if (phase === 'Failed') {
      for (const nodeId of nodeIds) setState(nodeId, 'failed', failure(nodeId, podName, pod));
    }
  };
  // A Pod that never leaves Pending (an image that cannot be pulled, no node with room)
  // would keep the program waiting for ever: past the deadline its nodes fail, saying why.
  const watchStartDeadline = (created: Manifests): void => {
    const failUnstarted = async ([podName, nodeIds]: [
      string,
      readonly string[],
    ]): Promise<void> => {
      if (nodeIds.every((nodeId) => states.get(nodeId) !== 'pending')) return;
      // The Pod's status now, not as last watched: its reason may be newer.
      const pod = (await client.readPod(podName)) ?? lastSeen.get(podName);
      // It started after all; the watch brings the news.
      if (pod?.status?.phase !== undefined && pod.status.phase !== 'Pending') return;
      for (const nodeId of nodeIds) {
        if (states.get(nodeId) !== 'pending') continue;
        setState(nodeId, 'failed', notStartedError(nodeId, podName, pod, startDeadlineMs));
      }
    };
    startDeadline = setTimeout(() => {
      void Promise.all([...created.nodesOfPod].map(failUnstarted));
    }, startDeadlineMs);
  };

  const start = async (): Promise<void> => {
    const network = kubernetesNetwork(kube, process.env, hostname());
    const started = await startControlPlane({
      program,
      wireArgs,
      entry,
      launchType: 'kubernetes',
      workdir,
      lifecycle,
      book,
      secret,
      maxMessageBytes: options.maxMessageBytes,
      metrics: setup.metrics,
      diagnostics: setup.diagnostics,
      host: network.controlHost,
      advertiseHost: network.advertiseHost,
      // Each Pod has its own network: its servers bind all of it. Only a loopback control
      // host (a test cluster that shares this machine's network) keeps them on loopback.
      nodeBindHost: network.nodeBindHost,
      // Peers find a node by its Pod's DNS name, which the headless Service gives; the
      // Pod's host name resolves nowhere else.
      nodeAdvertiseHosts: nodeDnsNames(program, launchId, namespace),
    });
    plane = started;
    if (lifecycle.stopping) return;
    const rendered = render((nodeId) => JSON.stringify(started.bootstrap(nodeId)));
    manifests = rendered;
    informer = await startPodInformer({
      config: client.config,
      namespace,
      labelSelector: `${LABELS.launch}=${launchId}`,
      onPod,
      onRetry: (error, delayMs) => {
        if (!lifecycle.stopping)
          say(`watching Pods failed (${String(error)}); trying again in ${String(delayMs)} ms.`);
      },
    });
    await client.apply(rendered);
    watchStartDeadline(rendered);
    say(
      `created ${String(ids.length)} Pods for program ${program.name} in namespace ${namespace} ` +
        `(launch ${launchId}, Service ${rendered.service.metadata.name}).`,
    );
  };
  const starting = start();
  const onInterrupt = (): void => {
    if (!lifecycle.stopping) say('stopping the program; its Kubernetes objects are deleted next.');
    void lifecycle.stop();
  };
  process.on('SIGINT', onInterrupt);
  process.on('SIGTERM', onInterrupt);

  lifecycle.attach({
    shutdown: async () => {
      await starting.catch(() => undefined);
      const started = [...states.values()].some((s) => s !== 'pending');
      if (started) await settlesWithin(allEnded.promise, options.terminationGraceMs);
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
      clearTimeout(startDeadline);
      if (manifests !== undefined) {
        say(`deleting the Pods, Service and Secret of launch ${launchId}.`);
        await client.deleteAll().catch((error: unknown) => {
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
      process.off('SIGINT', onInterrupt);
      process.off('SIGTERM', onInterrupt);
      for (const id of ids) lifecycle.nodeEnded(id);
      book.close(`program ${program.name} has stopped`);
      await plane?.close();
    },
  });
  starting.catch((error: unknown) => {
    lifecycle.fail(error instanceof Error ? error : new Error(String(error)));
  });
}
