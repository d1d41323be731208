/**
 * Launchpad's program_wait: nodes that wait for the program to stop in each of the ways
 * the stop API offers, and one node that stops the program after a while.
 */
import { once } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import * as lp from 'launchpad-ts';

/** Polls with a timeout until the program stops. */
export async function pollForStop(): Promise<void> {
  let polls = 0;
  while (!(await lp.waitForStop(100))) polls += 1;
  console.log(`poller: stopped after ${polls} polls`);
}

/** Waits for the stop without a timeout. */
export async function waitForStop(): Promise<void> {
  await lp.waitForStop();
  console.log('waiter: stopped');
}

/** Waits on the stop signal, as code that passes an AbortSignal to its I/O would. */
export async function watchSignal(): Promise<void> {
  const signal = lp.stopSignal();
  if (!signal.aborted) await once(signal, 'abort');
  console.log('signal watcher: stopped');
}

/** Ends from a stop handler. */
export function useStopHandler(): Promise<void> {
  return new Promise((resolve) => {
    lp.registerStopHandler(() => {
      console.log('handler: stopped');
      resolve();
    });
  });
}

/** Stops the whole program after `delayMs`. */
export async function stopAfter(delayMs: number): Promise<void> {
  await sleep(delayMs);
  console.log('stopper: stopping the program');
  lp.stop();
}

/** The program: four waiting nodes and one stopper. */
export function makeProgram(delayMs = 1_000): lp.Program {
  const program = new lp.Program('program_wait');
  program.addNode(new lp.FunctionNode(pollForStop), 'poller');
  program.addNode(new lp.FunctionNode(waitForStop), 'waiter');
  program.addNode(new lp.FunctionNode(watchSignal), 'signal_watcher');
  program.addNode(new lp.FunctionNode(useStopHandler), 'handler');
  program.addNode(new lp.FunctionNode(stopAfter, delayMs), 'stopper');
  return program;
}
