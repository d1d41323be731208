/**
 * @module
 * How a launcher answers signals: the first Ctrl-C (SIGINT) or a SIGTERM stops the
 * program gracefully; a second Ctrl-C kills every node at once.
 */
import type { Writable } from 'node:stream';

/** What a launcher does on signals. */
export interface InterruptActions {
  /** Stop the program gracefully. */
  stop(): void;
  /** Kill every node now. */
  kill(): void;
  /** Where to say what is happening. */
  readonly stderr: Writable;
}

/** Installs the launcher's signal handlers; returns the function that removes them. */
export function handleInterrupts(actions: InterruptActions): () => void {
  let interrupts = 0;
  const onInterrupt = (): void => {
    interrupts += 1;
    if (interrupts === 1) {
      actions.stderr.write(
        'launchpad-ts: stopping the program (Ctrl-C again to kill it at once).\n',
      );
      actions.stop();
    } else {
      actions.stderr.write('launchpad-ts: killing every node.\n');
      actions.kill();
    }
  };
  const onTerminate = (): void => {
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
    process.off('SIGINT', onInterrupt);
    process.off('SIGTERM', onTerminate);
    process.off('exit', onExit);
  };
}
