/**
 * @module
 * How a launcher answers signals: the first Ctrl-C (SIGINT) or a SIGTERM stops the
 * program gracefully; a second Ctrl-C kills every node at once. Either way the launcher's
 * process exits as interrupted commands do by convention: 130 after SIGINT, 143 after
 * SIGTERM (128 + the signal's number), so that scripts and CI see the interruption.
 *
 * One Ctrl-C often reaches the launcher twice: the terminal sends SIGINT to every process
 * of its foreground group, and wrappers in that group relay it again to their child (tsx
 * resends it when its child does not acknowledge it within 30 ms; `npm run` and `npx`
 * forward it too). So every SIGINT within {@link REPEATED_INTERRUPT_MS} of the first is
 * the same Ctrl-C; the launcher says when a second Ctrl-C would kill, once that holds.
 */
import type { Writable } from 'node:stream';

/** The exit code of a process ended by SIGINT, by convention. */
export const SIGINT_EXIT_CODE = 130;
/** The exit code of a process ended by SIGTERM, by convention. */
export const SIGTERM_EXIT_CODE = 143;

/**
 * How long after the first SIGINT another one is taken as the same Ctrl-C, relayed by a
 * wrapper (tsx, npm) rather than pressed again. Relays arrive within tens of milliseconds;
 * a person reads the launcher's answer before pressing again.
 */
export const REPEATED_INTERRUPT_MS = 500;

/** What a launcher does on signals. */
export interface InterruptActions {
  /** Stop the program gracefully. */
  stop(): void;
  /** Kill every node now. */
  kill(): void;
  /**
   * True when the nodes run in the launcher's own process (`in-process`), where they
   * cannot be killed: a second Ctrl-C then ends the process itself.
   */
  readonly nodesInLauncher?: boolean;
  /** Where to say what is happening. */
  readonly stderr: Writable;
}

/** Installs the launcher's signal handlers; returns the function that removes them. */
export function handleInterrupts(actions: InterruptActions): () => void {
  // Set once the first Ctrl-C is taken; a later SIGINT kills only once the window closed.
  let firstInterrupt: 'none' | 'repeats-ignored' | 'taken' = 'none';
  let windowTimer: NodeJS.Timeout | undefined;
  const onInterrupt = (): void => {
    // The script goes on after wait() resolves; it exits with this code unless it sets another.
    process.exitCode = SIGINT_EXIT_CODE;
    if (firstInterrupt === 'repeats-ignored') return;
    if (firstInterrupt === 'none') {
      firstInterrupt = 'repeats-ignored';
      actions.stderr.write('launchpad-ts: stopping the program (Ctrl-C).\n');
      windowTimer = setTimeout(() => {
        firstInterrupt = 'taken';
        actions.stderr.write('launchpad-ts: still stopping; Ctrl-C again to kill it at once.\n');
      }, REPEATED_INTERRUPT_MS);
      // A program that stops in time ends without waiting for the window.
      windowTimer.unref();
      actions.stop();
    } else if (actions.nodesInLauncher === true) {
      // Code running in this process cannot be killed apart from it: end the process.
      actions.stderr.write(
        'launchpad-ts: in-process nodes cannot be killed; ending the process.\n',
      );
      process.exit(SIGINT_EXIT_CODE);
    } else {
      actions.stderr.write('launchpad-ts: killing every node.\n');
      actions.kill();
    }
  };
  let terminated = false;
  const onTerminate = (): void => {
    process.exitCode = SIGTERM_EXIT_CODE;
    // Said once: a SIGTERM comes from outside (kill, a supervisor, a scheduler), and the
    // terminal would otherwise show a stop nobody there asked for.
    if (!terminated) actions.stderr.write('launchpad-ts: stopping the program (SIGTERM).\n');
    terminated = true;
    actions.stop();
  };
  const onExit = (): void => {
    actions.kill();
  };
  process.on('SIGINT', onInterrupt);
  process.on('SIGTERM', onTerminate);
  // Last resort: whatever ends the launcher's process takes the nodes with it.
  process.on('exit', onExit);
  return () => {
    clearTimeout(windowTimer);
    process.off('SIGINT', onInterrupt);
    process.off('SIGTERM', onTerminate);
    process.off('exit', onExit);
  };
}
