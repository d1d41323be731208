/**
 * @module
 * Reverb-style experience replay for launchpad-ts: a {@link ReplayNode} serving tables
 * with samplers, removers and rate limiters; a typed client; a {@link TrajectoryWriter};
 * a prefetching {@link sampleStream}; and checkpoints.
 *
 * @example
 * ```ts
 * import * as lp from 'launchpad-ts';
 * import { ReplayNode, queueTable, sampleStream } from 'launchpad-ts/replay';
 *
 * const program = new lp.Program('agent');
 * const replay = program.addNode(new ReplayNode({ tables: [queueTable('queue', 1_000)] }), 'replay');
 * program.addNode(new lp.ServiceNode(Actor, replay), 'actor');
 * program.addNode(new lp.ServiceNode(Learner, replay), 'learner');
 * ```
 */
export { ReplayNode, type ReplayClient } from './replay-node.ts';
export { ReplayService } from './replay-service.ts';
export type { ReplayOptions, CheckpointOptions } from './replay-options.ts';
export { queueTable, stackTable, type TableConfig } from './table-config.ts';
export { Samplers, type SamplerSpec } from './samplers.ts';
export { Removers, type RemoverSpec } from './removers.ts';
export {
  RateLimiters,
  type RateLimiterSpec,
  type SampleToInsertRatioOptions,
} from './rate-limiter-spec.ts';
export type { RateLimiterInfo } from './rate-limiter.ts';
export {
  TrajectoryWriter,
  type TrajectoryWriterOptions,
  type TrajectoryTarget,
} from './trajectory-writer.ts';
export { sampleStream, type SampleStreamOptions, type SampleTarget } from './sample-stream.ts';
export {
  readCheckpoint,
  CHECKPOINT_VERSION,
  CHECKPOINT_EXTENSION,
  type CheckpointState,
} from './checkpoint.ts';
export type { ChunkSlice } from './chunk-store.ts';
export type { TableSnapshot, StoredItem } from './table.ts';
export type {
  SampledItem,
  Priorities,
  InsertEntry,
  PriorityUpdates,
  InsertOptions,
  SampleOptions,
  TableInfo,
  ReplayInfo,
  TrajectoryItem,
  TrajectoryWrite,
} from './types.ts';
