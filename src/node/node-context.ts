/**
 * @module
 * Which node the running code belongs to. Every node's code (constructor, methods,
 * `run()`, a function node's main) runs inside an `AsyncLocalStorage` scope holding its
 * {@link NodeRuntime}, so several nodes can share one process (in-process launches) and
 * still each see their own id and their own program's stop signal.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { StopScope } from './stop-scope.ts';
import type { NodeMetrics } from '../metrics/node-metrics.ts';

/** What a node can know about where it runs. */
export interface NodeContext {
  /** The node's id, e.g. `producer/1`. */
  readonly nodeId: string;
  /** The node's group label, e.g. `producer`. */
  readonly label: string;
  /** The program's name. */
  readonly programName: string;
  /** The launch type the program runs under, e.g. `processes`. */
  readonly launchType: string;
  /** A directory for this launch, shared by all nodes on the same host. */
  readonly workdir: string;
}

/** A node's context together with its program's stop scope. */
export interface NodeRuntime {
  /** What the node can read about itself. */
  readonly context: NodeContext;
  /** The stop state of the node's program. */
  readonly stop: StopScope;
  /** What the node records, when metrics are on. */
  readonly metrics?: NodeMetrics;
}

/** A launched program as the node API sees it from outside any node. */
export interface ActiveProgram {
  /** The program's stop state in this process. */
  readonly stopScope: StopScope;
  /** Stops the program; resolves when every node has ended. */
  stop(): Promise<void>;
}

interface RuntimeGlobals {
  readonly storage: AsyncLocalStorage<NodeRuntime>;
  /** The runtime of the one node of this process, when the process runs a single node. */
  processNode: NodeRuntime | undefined;
  /** Programs launched from this process and not yet stopped. */
  readonly activePrograms: Set<ActiveProgram>;
}

// Kept on globalThis so that two copies of this module (say, one loaded by a test runner
// and one by Node) still agree on which node is running.
const GLOBAL_KEY = Symbol.for('launchpad-ts.runtime');
const globals = ((globalThis as Record<symbol, unknown>)[GLOBAL_KEY] ??= {
  storage: new AsyncLocalStorage<NodeRuntime>(),
  processNode: undefined,
  activePrograms: new Set<ActiveProgram>(),
}) as RuntimeGlobals;

/** Runs `fn` as code of the node described by `runtime`. */
export function runAsNode<TResult>(runtime: NodeRuntime, fn: () => TResult): TResult {
  return globals.storage.run(runtime, fn);
}

/** Declares `runtime` the node of this whole process (used by child processes). */
export function setProcessNode(runtime: NodeRuntime): void {
  globals.processNode = runtime;
}

/** The runtime of the node whose code is running, if any. */
export function currentNode(): NodeRuntime | undefined {
  return globals.storage.getStore() ?? globals.processNode;
}

/** Programs launched from this process that have not finished. */
export function activePrograms(): Set<ActiveProgram> {
  return globals.activePrograms;
}
