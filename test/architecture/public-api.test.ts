/**
 * The package's public API is what its entry points export, and nothing a user meets in a
 * public type may be an internal one: the declarations a user's compiler reads (built with
 * `stripInternal`) are checked here, so an internal cannot slip into `src/index.ts`, nor a
 * type of the launcher's machinery into a public signature, unnoticed. Adding to the API
 * is deliberate: update these lists, README and docs with it.
 */
import { expect, it } from 'vitest';
import { readPublicDeclarations } from '../helpers/public-declarations.ts';

/** `launchpad-ts`: values and types, sorted as JavaScript sorts strings. */
const ROOT_EXPORTS = [
  'AcceptHandles',
  'BatchedMethod',
  'BatchedOptions',
  'CallOptions',
  'CalleeSnapshot',
  'Checkpointer',
  'CheckpointerOptions',
  'Client',
  'Colocation',
  'ColocationKind',
  'CpuProfile',
  'ErrorCode',
  'FunctionNode',
  'Handle',
  'HandlesOf',
  'HistogramSnapshot',
  'KubernetesCluster',
  'KubernetesOptions',
  'KubernetesResources',
  'LAUNCH_TYPES',
  'LaunchFlags',
  'LaunchOptions',
  'LaunchType',
  'LaunchpadError',
  'LaunchpadOutputMode',
  'LocalResources',
  'MethodSnapshot',
  'MetricCounter',
  'MetricGauge',
  'MetricHistogram',
  'MetricLabels',
  'MetricOptions',
  'Node',
  'NodeContext',
  'NodeFunction',
  'NodeKind',
  'NodeLifeFacts',
  'NodeMetricsReport',
  'NodeMetricsView',
  'NodeState',
  'NodeStatus',
  'OutputMode',
  'ProcessColocation',
  'ProcessSnapshot',
  'Program',
  'ProgramGraph',
  'ProgramGraphColocation',
  'ProgramGraphEdge',
  'ProgramGraphNode',
  'ProgramMetrics',
  'PythonNode',
  'RemoteError',
  'RemoteErrorInfo',
  'RestartMode',
  'RestartPolicies',
  'RestartPolicy',
  'RunningProgram',
  'STATE_CHECKPOINT_EXTENSION',
  'ServiceClass',
  'ServiceMethodName',
  'ServiceNode',
  'SlurmOptions',
  'SlurmResources',
  'StackFrame',
  'StackSample',
  'ThreadColocation',
  'UserMetricKind',
  'UserMetricSnapshot',
  'UserSeriesSnapshot',
  'VariableClient',
  'VariableClientOptions',
  'VariableSource',
  'VariableStore',
  'VariableUpdate',
  'batched',
  'context',
  'isLaunchpadError',
  'launch',
  'launchFlags',
  'main',
  'metrics',
  'programGraph',
  'recycle',
  'recycleOnceSent',
  'registerStopHandler',
  'stop',
  'stopSignal',
  'transfer',
  'unregisterStopHandler',
  'userArgs',
  'waitForStop',
  'withOptions',
];

/** `launchpad-ts/replay`. */
const REPLAY_EXPORTS = [
  'CHECKPOINT_EXTENSION',
  'CHECKPOINT_VERSION',
  'CheckpointOptions',
  'CheckpointState',
  'ChunkSlice',
  'InsertEntry',
  'InsertOptions',
  'Priorities',
  'PriorityUpdates',
  'RateLimiterInfo',
  'RateLimiterSpec',
  'RateLimiters',
  'RemoverSpec',
  'Removers',
  'ReplayClient',
  'ReplayInfo',
  'ReplayNode',
  'ReplayOptions',
  'ReplayService',
  'SampleOptions',
  'SampleStreamOptions',
  'SampleTarget',
  'SampleToInsertRatioOptions',
  'SampledItem',
  'SamplerSpec',
  'Samplers',
  'StoredItem',
  'TableConfig',
  'TableInfo',
  'TableSnapshot',
  'TrajectoryItem',
  'TrajectoryTarget',
  'TrajectoryWrite',
  'TrajectoryWriter',
  'TrajectoryWriterOptions',
  'queueTable',
  'readCheckpoint',
  'sampleStream',
  'stackTable',
];

/**
 * Helper types that public types are computed with: a user meets them in hovers and
 * errors, never needs to write them. Anything else reached from a public declaration must
 * be exported or marked `@internal`.
 */
const UNEXPORTED_HELPERS = [
  'model/accept-handles.d.ts#AcceptHandlesInArgs',
  'model/accept-handles.d.ts#Opaque',
  'model/batched-handler.d.ts#BatchColumns',
  'model/node.d.ts#NodeCode',
  'model/python-node.d.ts#PythonCode',
  'rpc/client-type.d.ts#RemoteResult',
  'rpc/client-type.d.ts#ServiceOfClient',
];

// A compile of all of src/ and a read-back of its declarations: seconds of CPU, far more
// on a loaded machine, hence its own bound.
it(
  'exports exactly the public API, and no public type reaches an internal one',
  { timeout: 300_000 },
  () => {
    const declarations = readPublicDeclarations();
    expect(declarations.exports['.']).toEqual(ROOT_EXPORTS);
    expect(declarations.exports['./replay']).toEqual(REPLAY_EXPORTS);
    expect(declarations.unexported).toEqual(UNEXPORTED_HELPERS);
  },
);
