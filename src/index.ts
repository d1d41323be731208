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
export { Program } from './model/program.ts';
export { Handle } from './model/handle.ts';
export {
  programGraph,
  type ProgramGraph,
  type ProgramGraphNode,
  type ProgramGraphEdge,
  type ProgramGraphColocation,
} from './model/program-graph.ts';
export type { AcceptHandles } from './model/accept-handles.ts';
export type { Node, NodeKind } from './model/node.ts';
export { ServiceNode, type ServiceClass } from './model/service-node.ts';
export { FunctionNode, type NodeFunction } from './model/function-node.ts';
export { PythonNode } from './model/python-node.ts';
export {
  Colocation,
  ThreadColocation,
  ProcessColocation,
  type ColocationKind,
  type HandlesOf,
} from './model/colocation.ts';
export type { Client, ServiceMethodName } from './rpc/client-type.ts';
export type { CallOptions } from './rpc/call-options.ts';
export { withOptions } from './rpc/typed-client.ts';
export { transfer } from './rpc/transfer.ts';
export { recycle, recycleOnceSent } from './rpc/receive-pool.ts';
export { batched, type BatchedOptions, type BatchedMethod } from './model/batched-handler.ts';
export { launch } from './launcher/launch.ts';
export { launchFlags, userArgs, type LaunchFlags } from './launcher/options/launch-flags.ts';
export { main } from './launcher/main.ts';
export type { LaunchOptions, LocalResources } from './launcher/options/launch-options.ts';
export type { OutputMode, LaunchpadOutputMode } from './launcher/options/output-mode.ts';
export type {
  SlurmOptions,
  SlurmResources,
} from './launcher/backends/slurm/descriptor/slurm-options.ts';
export type {
  KubernetesOptions,
  KubernetesCluster,
  KubernetesResources,
} from './launcher/backends/kubernetes/descriptor/kubernetes-options.ts';
export { LAUNCH_TYPES, type LaunchType } from './launcher/options/launch-types.ts';
// A type only: a RunningProgram is made by launch(), never by `new`.
export type { RunningProgram } from './launcher/session/running-program.ts';
export type { NodeState, NodeStatus } from './launcher/session/program-lifecycle.ts';
export type {
  RestartMode,
  RestartPolicy,
  RestartPolicies,
} from './launcher/options/restart-policy.ts';
export {
  stop,
  stopSignal,
  waitForStop,
  registerStopHandler,
  unregisterStopHandler,
  context,
} from './node/node-api.ts';
export type { NodeContext } from './node/node-context.ts';
export { metrics } from './node/metrics-api.ts';
export type {
  MetricCounter,
  MetricGauge,
  MetricHistogram,
  MetricLabels,
  MetricOptions,
} from './metrics/user-metrics.ts';
export type {
  NodeMetricsReport,
  MethodSnapshot,
  CalleeSnapshot,
  ProcessSnapshot,
  UserMetricKind,
  UserMetricSnapshot,
  UserSeriesSnapshot,
} from './metrics/report.ts';
export type { HistogramSnapshot } from './metrics/latency-histogram.ts';
export type { CpuProfile, StackFrame, StackSample } from './protocol/diagnostics.ts';
export type {
  ProgramMetrics,
  NodeMetricsView,
  NodeLifeFacts,
} from './launcher/metrics/metrics-store.ts';
export {
  VariableStore,
  VariableClient,
  type VariableSource,
  type VariableUpdate,
  type VariableClientOptions,
} from './variables/index.ts';
export {
  Checkpointer,
  STATE_CHECKPOINT_EXTENSION,
  type CheckpointerOptions,
} from './checkpoint/checkpointer.ts';
export {
  LaunchpadError,
  RemoteError,
  isLaunchpadError,
  type ErrorCode,
  type RemoteErrorInfo,
} from './errors/errors.ts';
