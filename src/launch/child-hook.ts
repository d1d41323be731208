/**
 * @module
 * The hook through which a child process takes over `launch()`. A child that re-runs the
 * program's entry module installs it before importing that module; the module's own call
 * to `launch()` then hands the rebuilt program to the child instead of launching it again.
 */
import type { Program } from '../program/program.ts';
import type { RunningProgram } from './running-program.ts';

/** Receives the program that the entry module launches. */
export type ChildLaunchHook = (program: Program) => RunningProgram;

// On globalThis so that every copy of launchpad-ts in the child sees the same hook.
const HOOK_KEY = Symbol.for('launchpad-ts.child-launch-hook');

/** Installs the hook for this process. */
export function setChildLaunchHook(hook: ChildLaunchHook): void {
  (globalThis as Record<symbol, unknown>)[HOOK_KEY] = hook;
}

/** The hook, when this process is a node process re-running the entry module. */
export function childLaunchHook(): ChildLaunchHook | undefined {
  return (globalThis as Record<symbol, unknown>)[HOOK_KEY] as ChildLaunchHook | undefined;
}
