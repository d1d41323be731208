/**
 * @module
 * launchpad-ts: write a distributed system as one typed program, then launch it
 * in-process, as local processes, or on a cluster by changing one flag.
 *
 * @example
 * ```ts
 * import * as lp from 'launchpad-ts';
 *
 * export function hello(): void {
 *   console.log('Hello');
 * }
 *
 * lp.main(async () => {
 *   const program = new lp.Program('hello');
 *   program.addNode(new lp.FunctionNode(hello), 'hello');
 *   await lp.launch(program).wait();
 * });
 * ```
 */
export { Program } from './program/program.ts';
export { Handle } from './program/handle.ts';
export type { AcceptHandles } from './program/accept-handles.ts';
export type { Node, NodeKind } from './program/node.ts';
export { ServiceNode, type ServiceClass } from './nodes/service-node.ts';
export { FunctionNode, type NodeFunction } from './nodes/function-node.ts';
export {
  Colocation,
  ThreadColocation,
  ProcessColocation,
  type ColocationKind,
  type HandlesOf,
} from './nodes/colocation.ts';
export type { Client, ServiceMethodName } from './rpc/client-type.ts';
export type { CallOptions } from './rpc/call-options.ts';
export { withOptions } from './rpc/typed-client.ts';
export { transfer } from './rpc/transfer.ts';
export { batched, type BatchedOptions, type BatchedMethod } from './nodes/batched-handler.ts';
export { launch } from './launch/launch.ts';
export { main } from './launch/main.ts';
export type { LaunchOptions, LocalResources, OutputMode } from './launch/launch-options.ts';
export { LAUNCH_TYPES, LAUNCH_TYPE_ALIASES, type LaunchType } from './launch/launch-type.ts';
export { RunningProgram } from './launch/running-program.ts';
export type { NodeState, NodeStatus } from './launch/program-lifecycle.ts';
export type { RestartMode, RestartPolicy, RestartPolicies } from './launch/restart-policy.ts';
export {
  stop,
  stopSignal,
  waitForStop,
  registerStopHandler,
  unregisterStopHandler,
  context,
} from './runtime/node-api.ts';
export type { NodeContext } from './runtime/node-context.ts';
export {
  VariableStore,
  VariableClient,
  type VariableSource,
  type VariableUpdate,
  type VariableClientOptions,
} from './variables/index.ts';
export {
  Checkpointer,
  STATE_CHECKPOINT_MAGIC,
  STATE_CHECKPOINT_EXTENSION,
  type CheckpointerOptions,
} from './checkpoint/checkpointer.ts';
export {
  LaunchpadError,
  RemoteError,
  isLaunchpadError,
  type ErrorCode,
  type RemoteErrorInfo,
} from './errors.ts';
