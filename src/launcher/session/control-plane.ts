/**
 * @module
 * The launcher's side of the control plane: it prepares every node's spec, serves the
 * {@link ControlService} (the `ControlProtocol`, and only it) on an RPC server, keeps the
 * nodes' failure reports for the launcher, and tells node processes how to reach it.
 * Every launcher that runs nodes as separate OS processes (local processes, Slurm,
 * Kubernetes) uses it.
 */
import { LaunchpadError, RemoteError, type RemoteErrorInfo } from '../../errors/errors.ts';
import type { AddressBook } from './address-book.ts';
import type { ProgramLifecycle } from './program-lifecycle.ts';
import type { Program } from '../../model/program.ts';
import { isPythonNode } from '../../model/python-node.ts';
import { RpcServer } from '../../rpc/server.ts';
import {
  launchSocketFolder,
  removeSocketFolder,
  sweepDeadLaunchFolders,
} from '../../rpc/local-socket.ts';
import { locateAllExports } from './code-location.ts';
import { planNodeCode } from './typescript-nodes.ts';
import { markLaunchPhase } from './launch-phases.ts';
import { ControlService, type ControlListener } from './control-service.ts';
import type {
  ChildBootstrap,
  CodeLocation,
  NodeListen,
  PythonCodeLocation,
  NodeSpec,
} from '../../protocol/node-spec.ts';
import type { PortRange } from '../../rpc/port-range.ts';
import type { Dispatch } from '../../rpc/server.ts';
import type { MetricsStore } from '../metrics/metrics-store.ts';
import { controlDispatch } from './control-dispatch.ts';
import { FailureReports } from './failure-reports.ts';
import { CONTROL_NODE_ID } from '../../protocol/control-protocol.ts';
import { remoteDiagnostics, type DiagnosticsBook } from './node-diagnostics.ts';

/** What the control plane needs to know about the launch. */
export interface ControlPlaneOptions {
  /** The program being launched. */
  readonly program: Program;
  /** Each node's arguments from `toWireArguments()`, in `program.nodes` order. */
  readonly wireArgs: readonly unknown[][];
  /**
   * The main script's URL when `launch()` was called from it. Node code may come from
   * the main script only if the script keeps its launcher code in `lp.main()`.
   */
  readonly entry: string | undefined;
  /** The launch type nodes will see in their context. */
  readonly launchType: string;
  /** The launch's working directory. */
  readonly workdir: string;
  /** The launch's state. */
  readonly lifecycle: ProgramLifecycle;
  /** The launch's addresses. */
  readonly book: AddressBook;
  /** The launch's secret. */
  readonly secret: string;
  /** The largest RPC message, in bytes. */
  readonly maxMessageBytes: number;
  /**
   * The interface node RPC servers bind (see `NodeSpec.bindHost`); set it with `host` when
   * nodes run on several hosts. @default '127.0.0.1'
   */
  readonly nodeBindHost?: string;
  /**
   * The host name each node's server is reached by, by node id, when the launcher knows
   * it (see `NodeSpec.advertiseHost`).
   */
  readonly nodeAdvertiseHosts?: ReadonlyMap<string, string>;
  /** Where node processes on cluster hosts listen (see `NodeSpec.listen`). */
  readonly nodeListen?: NodeListen;
  /** The interface the control server binds. @default '127.0.0.1' */
  readonly host?: string;
  /** The ports the control server may listen on. @default one the OS picks */
  readonly ports?: PortRange;
  /** What a node that cannot reach the control server should change (its launcher's options). */
  readonly unreachableHint?: string;
  /**
   * The host name node processes use to reach the control server, when it differs from
   * `host` (a server bound to `0.0.0.0` is reached through the launcher's host name).
   * @default host
   */
  readonly advertiseHost?: string;
  /** Ask node processes to forward their output lines to {@link ControlPlaneOptions.listener}. */
  readonly forwardOutput?: boolean;
  /** Ask node processes to report their exit code to {@link ControlPlaneOptions.listener}. */
  readonly reportExit?: boolean;
  /** Hears forwarded output and exit codes. */
  readonly listener?: ControlListener;
  /** Where nodes' metric reports go; undefined when metrics are off. */
  readonly metrics: MetricsStore | undefined;
  /** Where node processes' diagnostics threads are noted. */
  readonly diagnostics?: DiagnosticsBook;
  /** Whether nodes trace their calls. */
  readonly tracing?: boolean;
  /**
   * Nodes on one host also talk over Unix domain sockets, in a folder of this launch that
   * the control plane removes when it closes (see `NodeSpec.socketFolder`).
   */
  readonly unixSockets?: boolean;
  /** Told once when Unix sockets cannot be used safely. @default a line on stderr */
  readonly warn?: (message: string) => void;
}

/** A running control plane. */
export interface ControlPlane {
  /** `host:port` of the control server. */
  readonly address: string;
  /**
   * The failure `nodeId` last reported, forgotten once taken: the launcher's alone, never
   * served to nodes.
   */
  takeReportedFailure(nodeId: string): RemoteErrorInfo | undefined;
  /** What node `nodeId`'s process must be given to reach the control plane. */
  bootstrap(nodeId: string): ChildBootstrap;
  /**
   * Compiles the nodes' TypeScript code (see `typescript-nodes.ts`); a node's spec is
   * answered only once it is compiled, so nodes may start before. The first call (or the
   * first node's spec) compiles; later calls return the same promise.
   */
  compileCode(): Promise<void>;
  /**
   * The error a node ended with, from its report or its exit status; `undefined` for a
   * clean exit (code 0).
   */
  exitError(
    nodeId: string,
    exit: { code: number | null; signal: string | null },
  ): Error | undefined;
  /** Stops the control server. */
  close(): Promise<void>;
}

/**
 * Prepares every node's spec and starts the control server. A node's TypeScript code is
 * compiled by {@link ControlPlane.compileCode}, or when the first node asks for its spec.
 */
export async function startControlPlane(options: ControlPlaneOptions): Promise<ControlPlane> {
  const { program } = options;
  const specs = new Map<string, NodeSpec>();
  const nodes = program.nodes;
  // A Python node's process imports its .py file; TypeScript nodes import a module export.
  const located = await locateAllExports(program, options.entry);
  markLaunchPhase('code-located');
  // Nodes load no TypeScript toolchain: TypeScript node code is compiled here, once; its
  // compiled module's place is known before, so a spec can name it.
  const code = planNodeCode(located, options.workdir);
  let compiling: Promise<void> | undefined;
  const compileCode = (): Promise<void> =>
    (compiling ??= code.compile().then(() => {
      markLaunchPhase('code-compiled');
    }));
  const compiled = code.locations;
  const socketFolder = options.unixSockets === true ? await socketFolderOrWarn(options) : undefined;
  if (socketFolder !== undefined) await sweepDeadLaunchFolders(socketFolder);
  let next = 0;
  for (const [index, node] of nodes.entries()) {
    const code: CodeLocation | PythonCodeLocation | undefined = isPythonNode(node)
      ? { strategy: 'python', ...node.pythonCode }
      : compiled[next++];
    if (code === undefined) throw new Error(`No code location for node ${node.id}.`);
    specs.set(node.id, {
      programName: program.name,
      nodeId: node.id,
      label: node.label,
      kind: node.kind,
      codeName: node.codeName,
      code,
      args: options.wireArgs[index] ?? [],
      launchType: options.launchType,
      workdir: options.workdir,
      maxMessageBytes: options.maxMessageBytes,
      ...(options.nodeBindHost === undefined ? {} : { bindHost: options.nodeBindHost }),
      ...advertiseHostOf(options.nodeAdvertiseHosts?.get(node.id)),
      ...(options.nodeListen === undefined ? {} : { listen: options.nodeListen }),
      ...(options.metrics === undefined ? {} : { metricsIntervalMs: options.metrics.intervalMs }),
      ...(options.tracing === true ? { tracing: true } : {}),
      // Python nodes keep TCP.
      ...(socketFolder === undefined || isPythonNode(node) ? {} : { socketFolder }),
    });
  }
  const store = options.metrics;
  const diagnostics = options.diagnostics;
  const failures = new FailureReports();
  const service = new ControlService({
    specs,
    book: options.book,
    lifecycle: options.lifecycle,
    failures,
    listener: {
      ...options.listener,
      ...(store === undefined
        ? {}
        : {
            metrics: (report) => {
              store.apply(report);
            },
          }),
      ...(diagnostics === undefined
        ? {}
        : {
            diagnostics: (nodeId: string, address: string) => {
              diagnostics.set(nodeId, remoteDiagnostics(address, options.secret));
            },
          }),
    },
  });
  const server = await RpcServer.listen({
    secret: options.secret,
    nodeId: CONTROL_NODE_ID,
    dispatch: specAfterCompile(controlDispatch(service), compileCode),
    maxMessageBytes: options.maxMessageBytes,
    ...(options.host === undefined ? {} : { host: options.host }),
    ...(options.ports === undefined ? {} : { ports: options.ports }),
  });
  markLaunchPhase('control-plane-up');
  const port = server.address.slice(server.address.lastIndexOf(':') + 1);
  const controlAddress =
    options.advertiseHost === undefined ? server.address : `${options.advertiseHost}:${port}`;
  return {
    address: server.address,
    takeReportedFailure: (nodeId) => failures.take(nodeId),
    compileCode,
    bootstrap: (nodeId) => ({
      controlAddress,
      secret: options.secret,
      nodeId,
      ...(options.forwardOutput === true ? { forwardOutput: true } : {}),
      ...(options.reportExit === true ? { reportExit: true } : {}),
      ...(options.unreachableHint === undefined
        ? {}
        : { unreachableHint: options.unreachableHint }),
    }),
    exitError: (nodeId, exit) => exitError(failures, nodeId, exit),
    close: async () => {
      await server.close();
      // The nodes remove their sockets as they stop; what a killed node left goes here.
      if (socketFolder !== undefined) await removeSocketFolder(socketFolder);
    },
  };
}

// The launch's socket folder; none (the launch keeps TCP) with one warning when the
// parent of the user's launch folders is not the user's alone.
async function socketFolderOrWarn(options: ControlPlaneOptions): Promise<string | undefined> {
  const { folder, problem } = await launchSocketFolder();
  if (problem !== undefined) {
    (options.warn ?? ((message: string) => process.stderr.write(`launchpad-ts: ${message}\n`)))(
      `Unix sockets are off for this launch, its nodes call each other over TCP: ${problem}. ` +
        'Set TMPDIR (or XDG_RUNTIME_DIR) to a folder that only you may write in, have the ' +
        'folder named removed if another user owns it, or set LP_UNIX_SOCKETS=0 to silence this.',
    );
  }
  return folder;
}

/** `dispatch`, whose answer to `spec` waits until the nodes' code is compiled. */
function specAfterCompile(dispatch: Dispatch, compileCode: () => Promise<void>): Dispatch {
  return (method, args) =>
    method === 'spec' ? compileCode().then(() => dispatch(method, args)) : dispatch(method, args);
}

/**
 * The control plane of a launch whose nodes all run in the launcher's process
 * (`in-process`): they register and report to the launcher directly, so no server runs.
 * Its bootstraps name no address.
 */
export function inMemoryControlPlane(secret: string): ControlPlane {
  const failures = new FailureReports();
  return {
    address: 'in-memory',
    takeReportedFailure: (nodeId) => failures.take(nodeId),
    bootstrap: (nodeId) => ({ controlAddress: '', secret, nodeId }),
    compileCode: () => Promise.resolve(),
    exitError: (nodeId, exit) => exitError(failures, nodeId, exit),
    close: () => Promise.resolve(),
  };
}

// A report belongs to the run that just ended: it is taken, so a restarted run that ends
// cleanly (or is killed) is not blamed for its predecessor's error.
function exitError(
  failures: FailureReports,
  nodeId: string,
  { code, signal }: { code: number | null; signal: string | null },
): Error | undefined {
  const reported = failures.take(nodeId);
  if (code === 0) return undefined;
  if (reported !== undefined) return new RemoteError(reported);
  const how = signal !== null ? `was killed by ${signal}` : `exited with code ${String(code)}`;
  return new LaunchpadError('UNKNOWN', `Node ${nodeId} ${how}.`);
}

function advertiseHostOf(host: string | undefined): { advertiseHost?: string } {
  return host === undefined ? {} : { advertiseHost: host };
}
