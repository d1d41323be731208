/**
 * @module
 * The phases of a node's start, published on a diagnostics channel so that a tool (the
 * footprint benchmark) can measure memory or time at each one from a module it preloads
 * into the node. Nobody subscribes in a normal run, and then marking a phase costs one
 * check.
 */
import { channel } from 'node:diagnostics_channel';

/**
 * The channel's name: `diagnostics_channel.subscribe(NODE_START_CHANNEL, listener)`. Each
 * message is a {@link NodeStartMessage}.
 */
export const NODE_START_CHANNEL = 'launchpad-ts:node-start';

/**
 * A phase of a node's start, in order: launchpad-ts's node-side modules are loaded, the
 * node has its spec from the launcher, its code's module is imported, and it serves
 * (registered with the launcher).
 */
export type NodeStartPhase = 'library-loaded' | 'spec-fetched' | 'code-loaded' | 'serving';

/** What the channel carries for each phase. */
export interface NodeStartMessage {
  readonly nodeId: string;
  readonly phase: NodeStartPhase;
}

const startChannel = channel(NODE_START_CHANNEL);

/** Publishes that node `nodeId` has reached `phase` (nothing when nobody listens). */
export function markStartPhase(nodeId: string, phase: NodeStartPhase): void {
  if (startChannel.hasSubscribers) {
    const message: NodeStartMessage = { nodeId, phase };
    startChannel.publish(message);
  }
}
