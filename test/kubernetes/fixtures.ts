/** Programs for the kubernetes launcher's tests; their code is exported so Pods can import it. */
import { setTimeout as sleep } from 'node:timers/promises';
import * as lp from 'launchpad-ts';

/** Throws once the waiter is up. */
export async function thrower(): Promise<void> {
  await sleep(200);
  throw new Error('boom in a pod');
}

/** Waits for the stop. */
export async function waiter(): Promise<void> {
  await lp.waitForStop();
}

/** One waiter and one node that throws. */
export function throwingProgram(): lp.Program {
  const program = new lp.Program('k8s_thrower');
  program.addNode(new lp.FunctionNode(waiter), 'waiter');
  program.addNode(new lp.FunctionNode(thrower), 'thrower');
  return program;
}
