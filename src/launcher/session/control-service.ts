/**
 * @module
 * The launcher's side of the {@link ControlProtocol}: node processes fetch their spec,
 * register their address, look up their peers, learn when to stop, ask for a stop,
 * report their failure, and send their metrics through it. The server serves exactly the protocol's methods,
 * each argument checked; the failure reports are read by the launcher alone
 * ({@link FailureReports}), which no node can reach.
 */
import { whenAborted } from '../../internal/aborted.ts';
import { LaunchpadError, type RemoteErrorInfo } from '../../errors/errors.ts';
import type { AddressBook } from './address-book.ts';
import type { ProgramLifecycle } from './program-lifecycle.ts';
import type { NodeSpec } from '../../protocol/node-spec.ts';
import type { OutputStream } from '../../protocol/output-stream.ts';
import type { NodeMetricsReport } from '../../metrics/report.ts';
import type { ControlProtocol } from '../../protocol/control-protocol.ts';
import type { FailureReports } from './failure-reports.ts';
import { formatAddress, parseAddress, type LocalRoute } from '../../rpc/local-route.ts';
import { dirname } from 'node:path';

export type { OutputStream } from '../../protocol/output-stream.ts';

/**
 * What a launcher hears from node processes it cannot watch itself (nodes on other
 * hosts): their output lines and their exit codes.
 */
export interface ControlListener {
  /** Node `nodeId` printed `lines` (without their line ends) on `stream`. */
  output?(nodeId: string, stream: OutputStream, lines: readonly string[]): void;
  /** Node `nodeId`'s process is about to exit with `code`. */
  exited?(nodeId: string, code: number): void;
  /** A node reported its metrics. */
  metrics?(report: NodeMetricsReport): void;
  /** Node `nodeId`'s diagnostics thread answers at `address`. */
  diagnostics?(nodeId: string, address: string): void;
}

/** What the control service works with. */
export interface ControlServiceParts {
  /** Node id → spec. */
  readonly specs: ReadonlyMap<string, NodeSpec>;
  /** The program's addresses. */
  readonly book: AddressBook;
  /** The program's state. */
  readonly lifecycle: ProgramLifecycle;
  /** Where reported failures wait for the launcher. */
  readonly failures: FailureReports;
  /** Hears forwarded output and exit codes, when children send them. */
  readonly listener?: ControlListener | undefined;
}

/** The methods node processes call on their launcher, and nothing else. */
export class ControlService implements ControlProtocol {
  readonly #specs: ReadonlyMap<string, NodeSpec>;
  readonly #book: AddressBook;
  readonly #lifecycle: ProgramLifecycle;
  readonly #failures: FailureReports;
  readonly #listener: ControlListener;

  /** @param parts - the launch's specs, addresses, state, failure reports and listener */
  constructor(parts: ControlServiceParts) {
    this.#specs = parts.specs;
    this.#book = parts.book;
    this.#lifecycle = parts.lifecycle;
    this.#failures = parts.failures;
    this.#listener = parts.listener ?? {};
  }

  /** The spec of `nodeId`. */
  spec(nodeId: string): NodeSpec {
    const spec = this.#specs.get(nodeId);
    if (spec === undefined) {
      throw new LaunchpadError('INVALID_ARGUMENT', `There is no node ${nodeId} in this launch.`);
    }
    return spec;
  }

  /** `nodeId` is up, serving at `address` (`null` for function nodes), and at `local`. */
  register(nodeId: string, address: string | null, local?: LocalRoute | null): void {
    const { socketFolder } = this.spec(nodeId);
    // Callers connect to this path and present the launch's secret there: only the
    // launch's own folder, which the callers check is their user's alone, is taken.
    if (local && (socketFolder === undefined || dirname(local.path) !== socketFolder)) {
      throw new LaunchpadError(
        'INVALID_ARGUMENT',
        `Node ${nodeId} registered the socket path ${local.path}, which is not in this ` +
          `launch's socket folder (${socketFolder ?? 'none: this launch uses no Unix sockets'}); ` +
          'a node listens only at the path socketPath(spec.socketFolder, nodeId).',
      );
    }
    const route =
      address === null ? undefined : formatAddress({ tcp: address, ...(local ? { local } : {}) });
    this.#book.register(nodeId, route);
    this.#lifecycle.nodeUp(nodeId);
  }

  /** The address of `nodeId`, once it is up, with its same-host route if `withLocal`. */
  async lookup(nodeId: string, timeoutMs: number, withLocal?: boolean | null): Promise<string> {
    const address = await this.#book.resolve(nodeId, timeoutMs);
    return withLocal === true ? address : parseAddress(address).tcp;
  }

  /** Resolves when the program starts to stop (a long poll). */
  awaitStop(): Promise<void> {
    return whenAborted(this.#lifecycle.stopScope.signal);
  }

  /** A node called `lp.stop()`. */
  requestStop(): void {
    void this.#lifecycle.stop();
  }

  /** A node failed with this error; its process exits next. */
  reportFailure(nodeId: string, error: RemoteErrorInfo): void {
    this.spec(nodeId);
    this.#failures.record(nodeId, error);
  }

  /** Lines `nodeId` printed; sent only by children told to forward their output. */
  output(nodeId: string, stream: OutputStream, lines: readonly string[]): void {
    this.spec(nodeId);
    this.#listener.output?.(nodeId, stream, lines);
  }

  /** `nodeId`'s process exits next with `code`; sent only by children told to report it. */
  reportExit(nodeId: string, code: number): void {
    this.spec(nodeId);
    this.#listener.exited?.(nodeId, code);
  }

  /** A node's periodic metrics report (see docs/observability.md); ignored when metrics are off. */
  reportMetrics(report: NodeMetricsReport): void {
    this.#listener.metrics?.(report);
  }

  /** `nodeId`'s diagnostics thread answers stack dumps and profiles at `address`. */
  registerDiagnostics(nodeId: string, address: string): void {
    this.spec(nodeId);
    this.#listener.diagnostics?.(nodeId, address);
  }
}
