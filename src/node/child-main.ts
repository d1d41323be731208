/**
 * @module
 * The life of a node process: reach the launcher, fetch the node's spec, load its code,
 * run it, report how it ended, and exit. A lost launcher ends the process at once, so no
 * node outlives its launcher.
 */
import { LaunchpadError } from '../errors/errors.ts';
import { markRunsNode, setChildLaunchHook } from './child-hook.ts';
import type { NodeCode } from '../model/node.ts';
import { hostname } from 'node:os';
import type { AddressResolver } from '../rpc/resolver.ts';
import { parseAddress } from '../rpc/local-route.ts';
import { withOptions } from '../rpc/typed-client.ts';
import { toRemoteErrorInfo } from '../rpc/wire-error.ts';
import { setProcessNode } from './node-context.ts';
import { runNode } from './node-runner.ts';
import { StopScope } from './stop-scope.ts';
import { PortConnector } from './port-connector.ts';
import type { ChildBootstrap, NodeSpec } from '../protocol/node-spec.ts';
import { takeBootstrap } from './bootstrap-reader.ts';
import { linkToLauncher } from './launcher-link.ts';
import { markStartPhase } from './start-phases.ts';
import { hostOf, resolveListen } from './node-listen.ts';
import { startDiagnosticsThread, watchParent } from './diagnostics-thread.ts';
import { thrownMessage } from '../errors/thrown.ts';
import { USER_VARIABLES } from '../internal/environment.ts';
import { holdNativeStrings, releaseNativeStrings } from '../rpc/native-strings.ts';
import { forgetNodeCondition } from '../spawn/node-command.ts';

function exitNow(message: string): never {
  process.stderr.write(`launchpad-ts: ${message}\n`);
  process.exit(1);
}

/** Runs the node this process was started for, then exits the process. */
export async function runChild(): Promise<void> {
  // msgpackr's native string decoder (an addon to locate and load) waits until the node
  // serves, off the path of its start (see rpc/native-strings.ts).
  holdNativeStrings();
  forgetNodeCondition();
  let bootstrap: ChildBootstrap;
  try {
    bootstrap = takeBootstrap();
  } catch (error) {
    exitNow(thrownMessage(error));
  }
  markStartPhase(bootstrap.nodeId, 'library-loaded');
  // The process that started this one may have died while it loaded: then it is an
  // orphan already, and must not start serving.
  if (bootstrap.parentPid !== undefined && process.ppid !== bootstrap.parentPid) {
    exitNow(`node ${bootstrap.nodeId} lost its launcher while starting; exiting.`);
  }
  // A launcher killed outright (SIGKILL) cannot say goodbye; a busy node would not notice
  // its closed connection either, so a separate thread watches the parent process, unless
  // the kernel already kills this process with its parent (that thread would cost a
  // whole V8 isolate, about 9 MB, for nothing). That thread answers the node's
  // diagnostics too.
  const watchdog =
    bootstrap.killedWithParent === true
      ? undefined
      : watchParent(bootstrap.parentPid ?? process.ppid);
  // Ctrl-C in a terminal reaches every process of the group; the launcher coordinates the
  // stop, so a node process ignores SIGINT and waits to be told.
  process.on('SIGINT', () => undefined);
  const { control, briefly, forwarder } = linkToLauncher(bootstrap);
  // A launcher that cannot watch this process learns how it ended before it exits.
  const exit = async (code: number): Promise<never> => {
    await forwarder?.flush();
    if (bootstrap.reportExit === true) {
      await briefly.reportExit(bootstrap.nodeId, code).catch(() => undefined);
    }
    process.exit(code);
  };
  let spec: NodeSpec;
  try {
    spec = await control.spec(bootstrap.nodeId);
  } catch (error) {
    exitNow(await unreachable(bootstrap, error));
  }
  markStartPhase(spec.nodeId, 'spec-fetched');
  const stop = new StopScope(() => {
    control.requestStop().catch(() => undefined);
  });
  // On Slurm (whose tasks report their own exits), a SIGTERM that comes before the
  // launcher's stop is the engine ending the task from outside (someone else's scancel, a
  // time limit, preemption): the node stops as asked, but its end is not a clean one.
  const ending = { launcherStopped: false, fromOutside: false };
  // The long poll doubles as the launcher's heartbeat: if it fails, the launcher is gone.
  control.awaitStop().then(
    () => {
      ending.launcherStopped = true;
      stop.fire();
    },
    () => {
      exitNow(`node ${spec.nodeId} lost its launcher; exiting.`);
    },
  );
  process.on('SIGTERM', () => {
    if (!ending.launcherStopped && bootstrap.reportExit === true) ending.fromOutside = true;
    stop.fire();
  });
  const context = {
    programName: spec.programName,
    launchType: spec.launchType,
    workdir: spec.workdir,
  };
  setProcessNode({ context: { ...context, nodeId: spec.nodeId, label: spec.label }, stop });
  // lp.main() does nothing here: the main script may be imported for its exports.
  markRunsNode();
  const resolver: AddressResolver = {
    // The launcher answers within timeoutMs; the call's own deadline leaves it a margin.
    resolve: (nodeId, timeoutMs) =>
      withOptions(control, { timeoutMs: timeoutMs + 5_000 }).lookup(nodeId, timeoutMs, true),
  };
  try {
    const listen = await resolveListen(spec.listen, bootstrap.controlAddress, spec.nodeId);
    // The diagnostics thread boots while the node's code loads; its address is registered
    // before the node is (see register below). LP_DIAGNOSTICS=0 saves the thread's
    // isolate, and gives up stack dumps; a node whose thread fails to start still runs (a
    // dump of it says it has none).
    const diagnostics =
      process.env[USER_VARIABLES.diagnostics] === '0'
        ? Promise.resolve(undefined)
        : startDiagnosticsThread(
            bootstrap.secret,
            {
              bindHost: listen.bindHost ?? spec.bindHost,
              advertiseHost: listen.advertiseHost ?? spec.advertiseHost,
              portRange: listen.portRange,
            },
            watchdog,
          ).catch(() => undefined);
    const code = await loadCode(spec);
    markStartPhase(spec.nodeId, 'code-loaded');
    await runNode(
      { id: spec.nodeId, label: spec.label, kind: spec.kind, code, args: spec.args },
      {
        secret: bootstrap.secret,
        resolver,
        maxMessageBytes: spec.maxMessageBytes,
        stop,
        context,
        ...(spec.bindHost === undefined ? {} : { bindHost: spec.bindHost }),
        ...(spec.advertiseHost === undefined ? {} : { advertiseHost: spec.advertiseHost }),
        ...listen,
        ...(bootstrap.ports === true ? { ports: new PortConnector() } : {}),
        ...(spec.tracing === true ? { tracing: true } : {}),
        ...(spec.metricsIntervalMs === undefined
          ? {}
          : {
              metrics: {
                intervalMs: spec.metricsIntervalMs,
                send: (report) => withOptions(control, { timeoutMs: 2_000 }).reportMetrics(report),
              },
            }),
        ...(spec.socketFolder === undefined ? {} : { socketFolder: spec.socketFolder }),
        register: async (nodeId, address) => {
          // Before the node itself: once it is registered, a peer may call a method that
          // blocks this thread at once, and a blocked thread could never say where its
          // diagnostics thread answers, so that node could never be dumped.
          const at = await diagnostics;
          if (at !== undefined) {
            await control.registerDiagnostics(nodeId, at).catch(() => undefined);
          }
          const route = address === undefined ? undefined : parseAddress(address);
          await control.register(nodeId, route?.tcp ?? null, route?.local ?? null);
          markStartPhase(nodeId, 'serving');
          releaseNativeStrings();
        },
      },
    );
  } catch (error) {
    await briefly
      .reportFailure(spec.nodeId, toRemoteErrorInfo(error, spec.nodeId))
      .catch(() => undefined);
    await exit(1);
  }
  if (ending.fromOutside) {
    const error = new Error(
      `Node ${spec.nodeId} was sent SIGTERM by the cluster before the launcher stopped the ` +
        'program: its task was ended from outside the launcher (for Slurm: scancel by someone ' +
        "else, the job's time limit, or preemption).",
    );
    await briefly
      .reportFailure(spec.nodeId, toRemoteErrorInfo(error, spec.nodeId))
      .catch(() => undefined);
    // 128 + SIGTERM, as a shell reports a process ended by it.
    await exit(143);
  }
  await exit(0);
}

// Said where the user looks: a cluster task's stderr comes back to the launcher's output.
// What the name resolves to here tells a name that means another host here (the
// launcher's host name mapped to 127.0.1.1) from a firewall.
async function unreachable(bootstrap: ChildBootstrap, error: unknown): Promise<string> {
  const cause = thrownMessage(error);
  const host = hostOf(bootstrap.controlAddress);
  // Only on this failure: the resolver is not worth its memory to every node.
  const { lookup } = await import('node:dns/promises');
  const resolved = await lookup(host).then(
    ({ address }) => address,
    () => 'nothing',
  );
  return (
    `node ${bootstrap.nodeId} on host ${hostname()} cannot reach its launcher at ` +
    `${bootstrap.controlAddress}${resolved === host ? '' : ` (${host} resolves to ${resolved} here)`}: ${cause}` +
    (bootstrap.unreachableHint === undefined ? '' : ` ${bootstrap.unreachableHint}`)
  );
}

async function loadCode(spec: NodeSpec): Promise<NodeCode> {
  if (spec.code.strategy !== 'export') {
    throw new LaunchpadError(
      'FAILED_PRECONDITION',
      `Node ${spec.nodeId} is a Python node; it runs in a Python process, not in a Node.js one.`,
    );
  }
  const { moduleUrl, exportName, compiledUrl } = spec.code;
  // TypeScript node code comes compiled by the launcher: its stack traces name the user's
  // own .ts files and lines through the source maps beside it. Turned on before the
  // import, since Node reads a module's map as it loads it (the built node scripts have
  // turned them on already, once the library loaded; from the sources they have not).
  if (compiledUrl !== undefined) process.setSourceMapsEnabled(true);
  // Importing the module runs its top level. If that reaches launch(), the module is a
  // script that launches a program: refuse, rather than run launcher code in a node.
  setChildLaunchHook((program) => {
    throw new LaunchpadError(
      'FAILED_PRECONDITION',
      `Node ${spec.nodeId}'s process imported ${moduleUrl} for ${exportName}, and its top level launched program ` +
        `${program.name}: code that launches must run only in the launcher. Put it in lp.main(async () => { … }), ` +
        'or move the node code to a module of its own.',
    );
  });
  let namespace: Record<string, unknown>;
  try {
    namespace = (await import(compiledUrl ?? moduleUrl)) as Record<string, unknown>;
  } finally {
    setChildLaunchHook(undefined);
  }
  const code = namespace[exportName];
  if (typeof code !== 'function') {
    throw new LaunchpadError(
      'FAILED_PRECONDITION',
      `Export ${exportName} of ${moduleUrl} is not a class or function in node ${spec.nodeId}'s process.`,
    );
  }
  return code as NodeCode;
}
