/**
 * @module
 * {@link ReplayNode}: a service node serving replay tables, as Launchpad's ReverbNode.
 */
import { ServiceNode } from '../model/service-node.ts';
import type { Client } from '../rpc/client-type.ts';
import type { ReplayOptions } from './replay-options.ts';
import { ReplayService } from './replay-service.ts';

/**
 * A typed client of a replay node: what `running.client(handle)` gives, or a node receives.
 * `Item` is the data type the node was declared with, so `sample()` returns
 * `SampledItem<Item>[]` and `insert()` takes an `Item`.
 */
export type ReplayClient<Item = unknown> = Client<ReplayService<Item>>;

/**
 * A node serving replay tables. Its handle gives a {@link ReplayClient}; declare the item
 * type to get typed samples: `new ReplayNode<Transition>({ tables })`.
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
export class ReplayNode<Item = unknown> extends ServiceNode<
  new (options: ReplayOptions) => ReplayService<Item>
> {
  /** @param options - the tables, and optionally a seed and checkpointing */
  constructor(options: ReplayOptions) {
    super(ReplayService<Item>, options);
  }
}
