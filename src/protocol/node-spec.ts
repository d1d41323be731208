/**
 * @module
 * What the launcher tells a node process about its node, over the control connection,
 * and how the process finds the launcher in the first place.
 */
import type { NodeKind } from '../model/node.ts';
import type { PythonCode } from '../model/python-node.ts';
import type { PortRange } from '../rpc/port-range.ts';
import { INTERNAL_VARIABLES } from '../internal/environment.ts';

/** Where a child finds its node's code: the export `exportName` of the module `moduleUrl`. */
export interface CodeLocation {
  readonly strategy: 'export';
  readonly moduleUrl: string;
  readonly exportName: string;
  /**
   * The JavaScript that a node imports instead of `moduleUrl` when that is TypeScript: the
   * launcher's compiled copy, with a source map to `moduleUrl` (see
   * `launcher/session/typescript-nodes.ts`). Absent for JavaScript.
   */
  readonly compiledUrl?: string;
}

/**
 * Where a Python node process finds its node's class: `className` in the file `file`,
 * served by a pool of `threads` threads (see `model/python-node.ts`).
 */
export interface PythonCodeLocation extends PythonCode {
  readonly strategy: 'python';
}

/** Everything a node process needs to run its node. */
export interface NodeSpec {
  readonly programName: string;
  readonly nodeId: string;
  readonly label: string;
  readonly kind: NodeKind;
  readonly codeName: string;
  readonly code: CodeLocation | PythonCodeLocation;
  /** The node's arguments, with handles as `HandleRef`s. */
  readonly args: unknown[];
  readonly launchType: string;
  readonly workdir: string;
  readonly maxMessageBytes: number;
  /** How often the node reports its metrics, in milliseconds; absent when metrics are off. */
  readonly metricsIntervalMs?: number;
  /** True when the node traces its calls (see docs/observability.md); absent when off. */
  readonly tracing?: true;
  /**
   * The interface the node's RPC server binds; a wildcard (`0.0.0.0`, `::`) makes the node
   * advertise its host name, for clusters where nodes run on several hosts.
   */
  readonly bindHost?: string;
  /**
   * The host name other nodes reach this node's server by, when the launcher knows it
   * (a Kubernetes Pod's DNS name); else derived from `bindHost`.
   */
  readonly advertiseHost?: string;
  /** Where the node listens when only its own host can tell (cluster launchers). */
  readonly listen?: NodeListen;
  /**
   * The launch's folder for Unix domain sockets on the node's host: the node's RPC server
   * also listens on a socket in it, for callers on the same host (see
   * `rpc/local-socket.ts`). Absent: TCP only (`threads`, Kubernetes, `LP_UNIX_SOCKETS=0`).
   */
  readonly socketFolder?: string;
}

/**
 * Where a node on a cluster host listens, worked out on that host, since only it knows
 * its addresses. The chosen address is also the one the node advertises.
 */
export interface NodeListen {
  /** Bind the address of this host's interface of that name (`ib0`). */
  readonly interface?: string;
  /**
   * Bind the address of this host's route toward the launcher: the launcher listens on
   * the network that leads to its nodes, so their peers reach them through it too.
   */
  readonly towardLauncher?: boolean;
  /** Listen on a free port of this range (firewalled clusters). */
  readonly ports?: PortRange;
}

/**
 * The environment variable that carries {@link ChildBootstrap} to a node process on a
 * cluster (a Slurm task, a Kubernetes Pod fed from a Secret), where nothing else reaches
 * the process. Local launchers never use it: `/proc/<pid>/environ` keeps what a process
 * was started with, whatever the process deletes from `process.env`.
 */
export const BOOTSTRAP_VARIABLE = INTERNAL_VARIABLES.bootstrap;

/**
 * The environment variable naming the inherited file descriptor (a pipe) from which a
 * local node process reads {@link ChildBootstrap}. It holds only the number, nothing secret.
 */
export const BOOTSTRAP_FD_VARIABLE = INTERNAL_VARIABLES.bootstrapFd;

/** The descriptor a local node process reads its bootstrap from (after stdin, stdout, stderr). */
export const BOOTSTRAP_FD = 3;

/** The `workerData` key under which a node's worker thread receives {@link ChildBootstrap}. */
export const BOOTSTRAP_WORKER_KEY = 'launchpadTsBootstrap';

/**
 * The environment variable naming a file (mode 0600) that holds {@link ChildBootstrap},
 * for launchers that cannot pass a private environment (tmux windows); the node process
 * deletes the file once read.
 */
export const BOOTSTRAP_FILE_VARIABLE = INTERNAL_VARIABLES.bootstrapFile;

/** How a node process reaches its launcher. */
export interface ChildBootstrap {
  /** `host:port` of the launcher's control server. */
  readonly controlAddress: string;
  /** The launch's secret. */
  readonly secret: string;
  /** The node this process runs. */
  readonly nodeId: string;
  /**
   * Send every output line to the launcher (`ControlService.output`): set by launchers
   * whose nodes run on other hosts, where no shared filesystem carries the output back.
   */
  readonly forwardOutput?: boolean;
  /**
   * Tell the launcher the exit code before exiting (`ControlService.reportExit`): set by
   * launchers that cannot watch the node's process themselves.
   */
  readonly reportExit?: boolean;
  /**
   * The node runs in a worker thread of the launcher's process, whose main thread brokers
   * direct MessagePort channels between nodes: use them instead of TCP.
   */
  readonly ports?: boolean;
  /**
   * The pid of the process that started this one (the launcher, or a colocation host).
   * If the process's parent is already another one when it starts, its starter died
   * before it could be watched, and the node exits at once.
   */
  readonly parentPid?: number;
  /**
   * The kernel kills this process when its starter dies (a parent-death signal, armed by
   * the starter): the node then needs no watchdog thread of its own.
   */
  readonly killedWithParent?: boolean;
  /**
   * What to change when the node cannot reach the launcher (a cluster launcher's host
   * options), added to the error the node prints.
   */
  readonly unreachableHint?: string;
}
