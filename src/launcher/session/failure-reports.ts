/**
 * @module
 * The failures nodes reported through the control protocol, kept for the launcher, which
 * alone takes them (when it learns how the node's process ended). Not part of what the
 * control server serves: a node holding the launch's secret cannot read or take another
 * node's report.
 */
import type { RemoteErrorInfo } from '../../errors/errors.ts';

/** The last failure each node reported, until the launcher takes it. */
export class FailureReports {
  readonly #reports = new Map<string, RemoteErrorInfo>();

  /** `nodeId` reported `error`; a later report replaces it. */
  record(nodeId: string, error: RemoteErrorInfo): void {
    this.#reports.set(nodeId, error);
  }

  /** The failure `nodeId` last reported, if any, forgotten once taken. */
  take(nodeId: string): RemoteErrorInfo | undefined {
    const report = this.#reports.get(nodeId);
    this.#reports.delete(nodeId);
    return report;
  }
}
