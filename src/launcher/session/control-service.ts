/**
 * @module
 * The launcher's control service, served over the same RPC as the nodes: node processes
 * fetch their spec, register their address, look up their peers, learn when to stop,
 * ask for a stop, report their failure, and send their metrics through it.
 */
import { whenAborted } from '../../internal/aborted.ts';
import { LaunchpadError, type RemoteErrorInfo } from '../../errors/errors.ts';
import type { AddressBook } from './address-book.ts';
import type { ProgramLifecycle } from './program-lifecycle.ts';
import type { NodeSpec } from '../../protocol/node-spec.ts';

import type { OutputStream } from '../../protocol/output-stream.ts';
import type { NodeMetricsReport } from '../../metrics/report.ts';

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
}

/** The methods node processes call on their launcher. */
export class ControlService {
  readonly #specs: ReadonlyMap<string, NodeSpec>;
  readonly #book: AddressBook;
  readonly #lifecycle: ProgramLifecycle;
  readonly #listener: ControlListener;
  readonly #failures = new Map<string, RemoteErrorInfo>();

  /**
   * @param specs - node id → spec
   * @param book - the program's addresses
   * @param lifecycle - the program's state
   * @param listener - hears forwarded output and exit codes, when children send them
   */
  constructor(
    specs: ReadonlyMap<string, NodeSpec>,
    book: AddressBook,
    lifecycle: ProgramLifecycle,
    listener: ControlListener = {},
  ) {
    this.#specs = specs;
    this.#book = book;
    this.#lifecycle = lifecycle;
    this.#listener = listener;
  }

  /** The spec of `nodeId`. */
  spec(nodeId: string): NodeSpec {
    const spec = this.#specs.get(nodeId);
    if (spec === undefined) {
      throw new LaunchpadError('INVALID_ARGUMENT', `There is no node ${nodeId} in this launch.`);
    }
    return spec;
  }

  /** `nodeId` is up, serving at `address` (`null` for function nodes). */
  register(nodeId: string, address: string | null): void {
    this.#book.register(nodeId, address ?? undefined);
    this.#lifecycle.nodeUp(nodeId);
  }

  /** The address of `nodeId`, once it is up. */
  lookup(nodeId: string, timeoutMs: number): Promise<string> {
    return this.#book.resolve(nodeId, timeoutMs);
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
    this.#failures.set(nodeId, error);
  }

  /** Lines `nodeId` printed; sent only by children told to forward their output. */
  output(nodeId: string, stream: string, lines: unknown): void {
    this.spec(nodeId);
    if (!Array.isArray(lines)) return;
    const text = lines.map((line) => String(line));
    this.#listener.output?.(nodeId, stream === 'stderr' ? 'stderr' : 'stdout', text);
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

  /** The failure `nodeId` last reported, if any, forgotten once taken. */
  takeReportedFailure(nodeId: string): RemoteErrorInfo | undefined {
    const failure = this.#failures.get(nodeId);
    this.#failures.delete(nodeId);
    return failure;
  }
}
