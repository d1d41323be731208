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
import { startControlPlane, type ControlPlane } from '../../control/control-plane.ts';
import { LaunchpadError } from '../../errors.ts';
import { deferred } from '../../internal/deferred.ts';
import { settlesWithin } from '../../internal/within.ts';
import {
  entryScriptPath,
  typeScriptLoaderUrl,
  type EntryScript,
} from '../../control/node-command.ts';
import type { LaunchSetup } from '../../launch/launch-setup.ts';
import { KubeClient, loadKubeConfig } from './kube-client.ts';
import { resolveKubernetesGroups } from './kubernetes-options.ts';
import { buildManifests, manifestsYaml, type Manifests } from './manifests.ts';

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
  const args = setup.args.filter((a) => a !== '--lp_dry_run');
  const namespace = kube.namespace ?? 'default';
  const launchId = randomBytes(3).toString('hex');
  const render = (bootstrap: (nodeId: string) => string): Manifests =>
    buildManifests({
      program,
      launchId,
      namespace,
      resources: groups,
      workingDir: kube.workingDir ?? process.cwd(),
      command: podCommand('control/child-entry', args),
      colocationCommand: podCommand('control/task-entry', args),
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
  let plane: ControlPlane | undefined;
  let manifests: Manifests | undefined;
  let watch: AbortController | undefined;

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
  const onPod = (type: string, pod: V1Pod): void => {
    const podName = pod.metadata?.name ?? '';
    const nodeIds = manifests?.nodesOfPod.get(podName);
    if (nodeIds === undefined) return;
    const phase = pod.status?.phase;
    if (phase === 'Running' || phase === 'Succeeded' || phase === 'Failed') {
      if (!logs.has(podName)) {
        // A colocation's pod prints lines its nodes already prefixed.
        const prefix = nodeIds.length === 1 ? `[${nodeIds[0] ?? podName}] ` : '';
        const following = client.followLog(podName, (line) =>
          options.stdout.write(`${prefix}${line}\n`),
        );
        following.catch(() => undefined);
        logs.set(podName, following);
      }
      if (phase === 'Running') for (const nodeId of nodeIds) setState(nodeId, 'running');
    }
    if (phase === 'Succeeded') for (const nodeId of nodeIds) setState(nodeId, 'done');
    else if (phase === 'Failed' || type === 'DELETED') {
      const terminated = pod.status?.containerStatuses?.[0]?.state?.terminated;
      const how =
        type === 'DELETED' && phase !== 'Failed'
          ? 'was deleted'
          : `failed (${terminated?.reason ?? 'Error'}, exit code ${String(terminated?.exitCode ?? '?')})`;
      for (const nodeId of nodeIds) {
        setState(
          nodeId,
          'failed',
          plane?.exitError(nodeId, { code: terminated?.exitCode ?? 1, signal: null }) ??
            new LaunchpadError('UNKNOWN', `Pod ${podName} of node ${nodeId} ${how}.`),
        );
      }
    }
  };
  const startWatch = async (): Promise<void> => {
    watch = await client.watchPods(launchId, onPod, () => {
      // The API server ends watches after a while; resume while the program runs.
      rewatch(500);
    });
  };
  // Pod phases are how this launcher learns that nodes ended: a failed re-watch is tried
  // again (with backoff) for as long as the program runs, never given up.
  const rewatch = (delayMs: number): void => {
    if (lifecycle.stopping) return;
    setTimeout(() => {
      startWatch().catch(() => {
        rewatch(Math.min(delayMs * 2, 10_000));
      });
    }, delayMs);
  };

  const start = async (): Promise<void> => {
    const bindHost = kube.controlHost ?? process.env['LP_KUBERNETES_CONTROL_HOST'] ?? '0.0.0.0';
    const advertiseHost =
      kube.advertiseHost ?? (bindHost === '0.0.0.0' || bindHost === '::' ? hostname() : bindHost);
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
      host: bindHost,
      advertiseHost,
      // Pods run on other hosts than each other: their servers bind every interface too.
      nodeBindHost: bindHost,
    });
    plane = started;
    if (lifecycle.stopping) return;
    manifests = render((nodeId) => JSON.stringify(started.bootstrap(nodeId)));
    await startWatch();
    await client.apply(manifests);
    say(
      `created ${String(ids.length)} Pods for program ${program.name} in namespace ${namespace} ` +
        `(launch ${launchId}, Service ${manifests.service.metadata.name}).`,
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
      if (manifests !== undefined) {
        say(`deleting the Pods, Service and Secret of launch ${launchId}.`);
        await client.deleteAll(manifests).catch((error: unknown) => {
          say(`could not delete every object of launch ${launchId}: ${String(error)}`);
        });
      }
      watch?.abort();
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
