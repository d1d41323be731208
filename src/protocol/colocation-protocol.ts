/**
 * @module
 * The messages between a launcher and a colocation host: the host starts and kills the
 * colocated nodes it is told to, and reports each one's exit.
 */
import type { ColocationKind } from '../model/colocation.ts';
import type { UnitExit, UnitLaunch } from './unit-launch.ts';
import type { DiagnosticsAnswer } from './diagnostics.ts';
import { INTERNAL_VARIABLES } from '../internal/environment.ts';

/** The environment variable carrying {@link HostSettings}. */
export const HOST_VARIABLE = INTERNAL_VARIABLES.colocationHost;

/** How a host runs its nodes and where their output goes. */
export interface HostSettings {
  /** Threads of the host, or child processes of it. */
  readonly kind: ColocationKind;
  /** Colour node prefixes (the launcher's terminal is a TTY). */
  readonly colour: boolean;
  /** Write each node's output to `<logDirectory>/<node>.log` instead of the host's output. */
  readonly logDirectory?: string;
  /** The launcher's pid: a host whose parent is already another process exits at once. */
  readonly parentPid: number;
}

/** Launcher → host. */
export type HostCommand =
  | { readonly type: 'start'; readonly unit: UnitLaunch }
  | { readonly type: 'kill'; readonly nodeId: string }
  /** A stack dump or CPU profile of one of the host's node threads. */
  | {
      readonly type: 'diagnose';
      readonly requestId: number;
      readonly nodeId: string;
      readonly op: 'stack' | 'profile';
      readonly durationMs: number;
    };

/**
 * Host → launcher: a node process's pid once it is started (so the launcher can make sure
 * it is gone if the host dies), and each node's exit.
 */
export type HostEvent =
  | { readonly type: 'started'; readonly nodeId: string; readonly pid: number }
  | { readonly type: 'exited'; readonly nodeId: string; readonly exit: UnitExit }
  | { readonly type: 'diagnosis'; readonly requestId: number; readonly answer: DiagnosticsAnswer };

/** The log file of a node under `logDirectory`. */
export function nodeLogFile(logDirectory: string, nodeId: string): string {
  return `${logDirectory}/${nodeId.replace(/\//g, '.')}.log`;
}
