/**
 * @module
 * What a node may ask of its launcher: the one interface the launcher's control server
 * serves and node processes call through a typed `Client<ControlProtocol>`. Nothing
 * outside it is reachable from a node, so what only the launcher may do (take a node's
 * failure report, say) is not on the wire at all.
 */
import type { NodeMetricsReport } from '../metrics/report.ts';
import type { RemoteErrorInfo } from '../errors/errors.ts';
import type { NodeSpec } from './node-spec.ts';
import type { OutputStream } from './output-stream.ts';
import type { LocalRoute } from '../rpc/local-route.ts';

/** The calls a node process makes on its launcher's control server. */
export interface ControlProtocol {
  /** The spec of `nodeId`: its kind, code, arguments, launch type and working directory. */
  spec(nodeId: string): NodeSpec;
  /**
   * `nodeId` is up, serving at `address` (`null` for function nodes), and for callers on
   * its host also at `local` (a Unix socket; see `rpc/local-route.ts`).
   */
  register(nodeId: string, address: string | null, local?: LocalRoute | null): void;
  /**
   * The address of `nodeId`, once it is up (a long poll of at most `timeoutMs`): its
   * `host:port`, followed by its same-host route when `withLocal` asks for it (TypeScript
   * nodes, which can use one; Python nodes ask for `host:port` alone).
   */
  lookup(nodeId: string, timeoutMs: number, withLocal?: boolean): Promise<string>;
  /** Resolves when the program starts to stop (a long poll, and the launcher's heartbeat). */
  awaitStop(): Promise<void>;
  /** The node called `lp.stop()`: stop the program. */
  requestStop(): void;
  /** `nodeId` failed with `error`; its process exits next. */
  reportFailure(nodeId: string, error: RemoteErrorInfo): void;
  /** Lines `nodeId` printed on `stream`; sent only by nodes told to forward their output. */
  output(nodeId: string, stream: OutputStream, lines: readonly string[]): void;
  /** `nodeId`'s process exits next with `code`; sent only by nodes told to report it. */
  reportExit(nodeId: string, code: number): void;
  /** The node's periodic metrics report (see docs/observability.md). */
  reportMetrics(report: NodeMetricsReport): void;
  /**
   * `nodeId`'s diagnostics thread answers stack dumps and CPU profiles at `address`
   * (see `protocol/diagnostics.ts`); sent once per run of a node process.
   */
  registerDiagnostics(nodeId: string, address: string): void;
}

/**
 * Every method of {@link ControlProtocol}: the control server serves these and nothing
 * else. Typed as a record so that a method added to the interface must be listed here.
 */
const METHODS: Readonly<Record<keyof ControlProtocol, true>> = {
  spec: true,
  register: true,
  lookup: true,
  awaitStop: true,
  requestStop: true,
  reportFailure: true,
  output: true,
  reportExit: true,
  reportMetrics: true,
  registerDiagnostics: true,
};

/** The names of {@link ControlProtocol}'s methods. */
export const CONTROL_METHODS = Object.keys(METHODS) as readonly (keyof ControlProtocol)[];

/** The node id under which the launcher's control server answers. */
export const CONTROL_NODE_ID = 'launcher';
