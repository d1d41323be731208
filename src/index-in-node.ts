/**
 * @module
 * The public API as a node's process or thread loads it: every value that `index.ts`
 * exports, without the launcher's code behind `launch()`.
 *
 * A node imports the user's module to find its class or function, and that module imports
 * `launchpad-ts`. Through `index.ts` that would load the launcher's code (the launch's
 * setup, its session and checks: 120 KB, 1.6 MB of an idle node process's memory) into
 * every node, only for `launch()` to refuse to run there. Every node process and thread is started with the
 * `launchpad-ts-node` condition (`spawn/node-command.ts`), under which `package.json`
 * resolves `launchpad-ts` here instead.
 *
 * Only values matter here: types come from `index.ts`'s declarations whatever the
 * condition. `test/architecture/public-api-in-node.test.ts` checks that this module exports
 * exactly the values `index.ts` does, so that no user module fails to link in a node.
 */
import type { launch as launchFromLauncher } from './launcher/launch.ts';
import { childLaunchHook } from './node/child-hook.ts';
import { launchInNodeError, launchUnderNodeConditionError } from './node/launch-refusal.ts';

export { Program } from './model/program.ts';
export { Handle } from './model/handle.ts';
export { programGraph } from './model/program-graph.ts';
export { ServiceNode } from './model/service-node.ts';
export { FunctionNode } from './model/function-node.ts';
export { PythonNode } from './model/python-node.ts';
export { Colocation, ThreadColocation, ProcessColocation } from './model/colocation.ts';
export { withOptions } from './rpc/typed-client.ts';
export { transfer } from './rpc/transfer.ts';
export { recycle, recycleOnceSent } from './rpc/receive-pool.ts';
export { batched } from './model/batched-handler.ts';
export { launchFlags, userArgs } from './launcher/options/launch-flags.ts';
export { main } from './launcher/main.ts';
export { LAUNCH_TYPES } from './launcher/options/launch-types.ts';
export {
  stop,
  stopSignal,
  waitForStop,
  registerStopHandler,
  unregisterStopHandler,
  context,
} from './node/node-api.ts';
export { metrics } from './node/metrics-api.ts';
export { VariableStore, VariableClient } from './variables/index.ts';
export { Checkpointer, STATE_CHECKPOINT_EXTENSION } from './checkpoint/checkpointer.ts';
export { LaunchpadError, RemoteError, isLaunchpadError } from './errors/errors.ts';

/**
 * `launch()` inside a node. While the node's module is imported, its top level reaching
 * `launch()` gets the node's own refusal (see `node/child-main.ts`); after that, a node's
 * code that calls it is told that programs are launched from the launcher.
 *
 * @throws LaunchpadError `FAILED_PRECONDITION`, always
 */
export const launch: typeof launchFromLauncher = (program) => {
  const hook = childLaunchHook();
  if (hook !== undefined) return hook(program);
  throw launchInNodeError(program) ?? launchUnderNodeConditionError(program);
};
