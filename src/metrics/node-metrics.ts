/**
 * @module
 * Everything one node records: its served methods, its calls by callee, its user metrics
 * and its process figures, and the report that carries what changed to the launcher.
 */
import { randomUUID } from 'node:crypto';
import type { CallObserver } from './call-observer.ts';
import { MethodTable } from './method-stats.ts';
import { ProcessSampler } from './process-sampler.ts';
import type { CalleeSnapshot, NodeMetricsReport } from './report.ts';
import { UserMetrics } from './user-metrics.ts';

/** The metrics of one run of one node. */
export class NodeMetrics {
  /** The node. */
  readonly nodeId: string;
  /** The methods this node serves. */
  readonly server = new MethodTable(true);
  /** Metrics made by the node's code. */
  readonly user: UserMetrics;
  readonly #callees = new Map<string, MethodTable>();
  readonly #run = randomUUID();
  readonly #sampler = new ProcessSampler();

  /** @param nodeId - the node recorded */
  constructor(nodeId: string) {
    this.nodeId = nodeId;
    this.user = new UserMetrics(nodeId);
  }

  /** The observer of this node's calls to `callee`. */
  callee(callee: string): CallObserver {
    let table = this.#callees.get(callee);
    if (table === undefined) {
      table = new MethodTable(false);
      this.#callees.set(callee, table);
    }
    return table;
  }

  /** What changed since the last report, with the process figures of the period. */
  report(): NodeMetricsReport {
    const client: CalleeSnapshot[] = [];
    for (const [callee, table] of this.#callees) {
      const methods = table.takeChanges();
      if (methods.length > 0) client.push({ callee, methods });
    }
    return {
      nodeId: this.nodeId,
      run: this.#run,
      process: this.#sampler.sample(),
      server: this.server.takeChanges(),
      client,
      user: this.user.takeChanges(),
    };
  }

  /** Stops sampling the event loop. */
  close(): void {
    this.#sampler.close();
  }
}
