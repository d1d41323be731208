/**
 * @module
 * The phases of a launch's start in the launcher, published on a diagnostics channel so
 * that a tool (the startup benchmark's timeline) can tell where a launch's time goes
 * before its nodes run; the nodes' own phases are on `launchpad-ts:node-start`
 * (`node/start-phases.ts`). Nobody subscribes in a normal run, and then marking a phase
 * costs one check.
 */
import { channel } from 'node:diagnostics_channel';

/**
 * The channel's name: `diagnostics_channel.subscribe(LAUNCH_START_CHANNEL, listener)`.
 * Each message is a {@link LaunchStartMessage}.
 */
export const LAUNCH_START_CHANNEL = 'launchpad-ts:launch-start';

/**
 * A phase of a launch's start, in order: `launch()` was called (the program is built),
 * the launch type's backend has loaded, every node's code is located (its module found
 * and imported), TypeScript node code is compiled (or there was none), the control
 * plane serves, then for each node: its start is asked of the backend, and the backend
 * has started it (a process spawned, a worker thread created).
 */
export type LaunchStartPhase =
  | 'launch-called'
  | 'backend-loaded'
  | 'code-located'
  | 'code-compiled'
  | 'control-plane-up'
  | 'node-starting'
  | 'node-started';

/** What the channel carries for each phase; `nodeId` for a node's own phases. */
export interface LaunchStartMessage {
  readonly phase: LaunchStartPhase;
  readonly nodeId?: string;
}

const startChannel = channel(LAUNCH_START_CHANNEL);

/** Publishes that the launch (or its node `nodeId`) has reached `phase`. */
export function markLaunchPhase(phase: LaunchStartPhase, nodeId?: string): void {
  if (startChannel.hasSubscribers) {
    const message: LaunchStartMessage = nodeId === undefined ? { phase } : { phase, nodeId };
    startChannel.publish(message);
  }
}
