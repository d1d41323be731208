/**
 * @module
 * What a node process or thread knows about itself before it loads the node's code:
 * that it runs a node (so `lp.main()` does nothing there), and, while it imports the
 * module that holds the node's code, what `launch()` must do if that import reaches it;
 * and, in a launcher, whether its main script keeps its launcher code in `lp.main()`.
 */
import type { Program } from '../model/program.ts';

/** Receives a program that is launched from a node's process or thread, and refuses it. */
export type ChildLaunchHook = (program: Program) => never;

// On globalThis so that every copy of launchpad-ts in the process (or the worker thread)
// sees the same values.
const HOOK_KEY = Symbol.for('launchpad-ts.child-launch-hook');
const NODE_KEY = Symbol.for('launchpad-ts.runs-a-node');
const MAIN_DECLARED_KEY = Symbol.for('launchpad-ts.main-declared');

/** Installs the hook for this process or thread; `undefined` removes it. */
export function setChildLaunchHook(hook: ChildLaunchHook | undefined): void {
  (globalThis as Record<symbol, unknown>)[HOOK_KEY] = hook;
}

/** The hook, while this process or thread imports its node's code. */
export function childLaunchHook(): ChildLaunchHook | undefined {
  return (globalThis as Record<symbol, unknown>)[HOOK_KEY] as ChildLaunchHook | undefined;
}

/** Marks this process (or worker thread) as one that runs a node, for its whole life. */
export function markRunsNode(): void {
  (globalThis as Record<symbol, unknown>)[NODE_KEY] = true;
}

/** True in a node's process or thread started by a launcher. */
export function runsNode(): boolean {
  return (globalThis as Record<symbol, unknown>)[NODE_KEY] === true;
}

/** Records that the main script called `lp.main()` (so nodes may import it). */
export function markMainDeclared(): void {
  (globalThis as Record<symbol, unknown>)[MAIN_DECLARED_KEY] = true;
}

/** True once `lp.main()` has been called in this launcher process. */
export function mainDeclared(): boolean {
  return (globalThis as Record<symbol, unknown>)[MAIN_DECLARED_KEY] === true;
}
