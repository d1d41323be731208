/**
 * @module
 * The functions node code calls: {@link stop}, {@link stopSignal}, {@link waitForStop},
 * stop handlers and {@link context}. Each works in every launch type.
 */
import { LaunchpadError } from '../errors/errors.ts';
import { activePrograms, currentNode, type NodeContext } from './node-context.ts';
import type { StopScope } from './stop-scope.ts';

function stopScope(caller: string): StopScope {
  const node = currentNode();
  if (node !== undefined) return node.stop;
  const programs = [...activePrograms()];
  const only = programs[0];
  if (programs.length === 1 && only !== undefined) return only.stopScope;
  throw new LaunchpadError(
    'FAILED_PRECONDITION',
    programs.length === 0
      ? `${caller} was called outside a node while no program is running; call it from a node's code, or launch a program first.`
      : `${caller} was called outside a node while ${programs.length} programs are running, so it cannot tell which one is meant; use the RunningProgram that launch() returned instead.`,
  );
}

/**
 * Stops the whole program this node belongs to: every node's stop signal fires, and
 * nodes that do not end within the grace period are killed. Returns at once.
 *
 * Outside a node, it stops the one program launched from this process.
 */
export function stop(): void {
  stopScope('lp.stop()').request();
}

/** An `AbortSignal` that fires when the program starts to stop. */
export function stopSignal(): AbortSignal {
  return stopScope('lp.stopSignal()').signal;
}

/**
 * Resolves `true` once the program is stopping, or `false` when `timeoutMs` passes first.
 *
 * @example
 * ```ts
 * while (!(await lp.waitForStop(1_000))) console.log('still running');
 * ```
 */
export function waitForStop(timeoutMs?: number): Promise<boolean> {
  const signal = stopScope('lp.waitForStop()').signal;
  if (signal.aborted) return Promise.resolve(true);
  return new Promise((resolve) => {
    let timer: NodeJS.Timeout | undefined;
    const onAbort = (): void => {
      if (timer !== undefined) clearTimeout(timer);
      resolve(true);
    };
    signal.addEventListener('abort', onAbort, { once: true });
    if (timeoutMs !== undefined && Number.isFinite(timeoutMs)) {
      timer = setTimeout(() => {
        signal.removeEventListener('abort', onAbort);
        resolve(false);
      }, timeoutMs);
    }
  });
}

/** Calls `handler` once when the program starts to stop (at once if it already is). */
export function registerStopHandler(handler: () => void): void {
  stopScope('lp.registerStopHandler()').addHandler(handler);
}

/** Removes a handler added with {@link registerStopHandler}. */
export function unregisterStopHandler(handler: () => void): void {
  stopScope('lp.unregisterStopHandler()').removeHandler(handler);
}

/** The context of the node whose code is running: id, label, launch type, workdir. */
export function context(): NodeContext {
  const node = currentNode();
  if (node === undefined) {
    throw new LaunchpadError(
      'FAILED_PRECONDITION',
      "lp.context() was called outside a node; only a node's code has a node context.",
    );
  }
  return node.context;
}
