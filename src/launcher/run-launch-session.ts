/**
 * @module
 * {@link runLaunchSession}: the whole of one launch once `launch()` has checked and
 * prepared it: the `RunningProgram` the caller gets, the metrics server, the launch API
 * (the dashboard's, started once the control plane is up), the time limit, the launcher's call
 * tracing, and the nodes, run through the launch type's backend, loaded now with `import()`.
 */
import { deferred } from '../internal/deferred.ts';
import { thrownAsError } from '../errors/thrown.ts';
import { loadCallTracing, tracingOnceLoaded } from '../metrics/load-call-tracing.ts';
import type { OutputTap } from './dashboard/output-tap.ts';
import { startLaunchApi } from './dashboard/start-launch-api.ts';
import type { LaunchTypeDescriptor } from './options/launch-type-descriptor.ts';
import { serveLaunchMetrics } from './serve-launch-metrics.ts';
import { LaunchpadError } from '../errors/errors.ts';
import { runNodes, type NodeRestarts } from './session/launch-session.ts';
import type { BackendFactory, LaunchSetup } from './session/launch-setup.ts';
import { RunningProgram } from './session/running-program.ts';
import { enforceTimeLimit } from './session/time-limit.ts';
import { markLaunchPhase } from './session/launch-phases.ts';

/** A launch `launch()` has checked and prepared. */
export interface PreparedLaunch {
  /** The launch. */
  readonly setup: LaunchSetup;
  /** Its launch type. */
  readonly type: LaunchTypeDescriptor;
  /** What the launch type's check made of its options, for its backend. */
  readonly checked: unknown;
  /** Node output, tapped on its way to the launch's streams for the launch API. */
  readonly tap: OutputTap;
}

/** Runs `launch` to its end, and returns at once the `RunningProgram` that follows it. */
export function runLaunchSession(launch: PreparedLaunch): RunningProgram {
  const { setup, type, checked, tap } = launch;
  const { program, options, lifecycle } = setup;
  // The launcher's own calls are traced once the tracing module has loaded; the nodes
  // start only after that, so no call of the launcher goes untraced.
  const tracing = options.tracing ? loadCallTracing('launcher') : undefined;
  // The backend loads now, so that a node, which never launches, never loads one; first,
  // so that its import is not queued behind the launch API's.
  const loading = Promise.all([type.load(), tracing]);
  const metricsUrl = options.metricsPort === undefined ? undefined : deferred<string>();
  const dashboardUrl = deferred<string>();
  // What runs the nodes, once the backend has loaded: restarts on request go to it.
  let nodes: NodeRestarts | undefined;
  const restartNode = (nodeId: string): void => {
    const why = lifecycle.stopping
      ? 'is stopping'
      : nodes === undefined
        ? 'has not started its nodes yet'
        : undefined;
    if (why !== undefined) {
      throw new LaunchpadError(
        'FAILED_PRECONDITION',
        `Cannot restart node ${nodeId}: program ${program.name} ${why}.`,
      );
    }
    nodes?.restartNode(nodeId);
  };
  const running = new RunningProgram({
    program,
    programName: program.name,
    launchType: setup.launchType,
    workdir: setup.workdir,
    lifecycle,
    restartNode,
    rpc: { secret: setup.secret, resolver: setup.book, maxMessageBytes: options.maxMessageBytes },
    metrics: setup.metrics,
    metricsUrl: metricsUrl?.promise,
    diagnostics: setup.diagnostics,
    tracing: tracing === undefined ? undefined : tracingOnceLoaded(tracing),
    dashboardUrl: dashboardUrl.promise,
  });
  if (metricsUrl !== undefined && options.metricsPort !== undefined) {
    serveLaunchMetrics(
      options.metricsPort,
      () => running.metrics(),
      lifecycle,
      options.stderr,
    ).then(
      (url) => {
        metricsUrl.resolve(url);
      },
      (error: unknown) => {
        metricsUrl.reject(thrownAsError(error));
      },
    );
  }
  // The launch API (and the dashboard page) starts once the control plane is up (or the
  // start has failed): loading its modules and starting its server are not what the first
  // node waits for. By then the nodes are about to start, and the API's imports complete
  // while they boot.
  let apiStarted = false;
  const startApi = (): void => {
    if (apiStarted) return;
    apiStarted = true;
    startLaunchApi({
      setup,
      running,
      tap,
      ...options.dashboard,
      stderr: options.stderr,
    }).dashboardUrl.then(
      (url) => {
        dashboardUrl.resolve(url);
      },
      (error: unknown) => {
        dashboardUrl.reject(thrownAsError(error));
      },
    );
  };
  if (options.timeLimitMs !== undefined) {
    enforceTimeLimit(running, options.timeLimitMs, options.stderr);
  }
  loading
    .then(([loaded]) => {
      markLaunchPhase('backend-loaded');
      if (lifecycle.stopping) {
        startApi();
        return;
      }
      // Each backend module declares itself a factory of what its own check returns.
      const backendFor = loaded as BackendFactory<unknown>;
      nodes = runNodes(setup, backendFor(setup, checked), startApi);
    })
    .catch((error: unknown) => {
      lifecycle.fail(thrownAsError(error));
      startApi();
    });
  return running;
}
