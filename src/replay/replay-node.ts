/**
 * @module
 * {@link ReplayNode}: a service node serving replay tables, as Launchpad's ReverbNode.
 */
import { ServiceNode } from '../nodes/service-node.ts';
import type { Client } from '../rpc/client-type.ts';
import type { ReplayOptions } from './replay-options.ts';
import { ReplayService } from './replay-service.ts';

/** A typed client of a replay node: what `running.client(handle)` gives, or a node receives. */
export type ReplayClient = Client<ReplayService>;

/**
 * A node serving replay tables. Its handle gives a {@link ReplayClient}.
 *
 * @example
 * ```ts
 * const replay = program.addNode(
 *   new ReplayNode({ tables: [queueTable('experience', 1_000)], checkpoint: { everyMs: 60_000 } }),
 *   'replay',
 * );
 * program.addNode(new lp.ServiceNode(Actor, replay), 'actor');
 * ```
 */
export class ReplayNode extends ServiceNode<typeof ReplayService> {
  /** @param options - the tables, and optionally a seed and checkpointing */
  constructor(options: ReplayOptions) {
    super(ReplayService, options);
  }
}
