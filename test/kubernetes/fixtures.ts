/** Programs for the kubernetes launcher's tests; their code is exported so Pods can import it. */
import * as lp from 'launchpad-ts';

/** Serves until the stop; answers `ready()` once it is up. */
export class Waiter {
  /** True: a call is answered only once the node is up. */
  ready(): boolean {
    return true;
  }
}

/** Throws once the waiter is up (its call waits for the waiter to register). */
export async function thrower(waiter: lp.Client<Waiter>): Promise<void> {
  await waiter.ready();
  throw new Error('boom in a pod');
}

/** One waiter and one node that throws. */
export function throwingProgram(): lp.Program {
  const program = new lp.Program('k8s_thrower');
  const waiter = program.addNode(new lp.ServiceNode(Waiter), 'waiter');
  program.addNode(new lp.FunctionNode(thrower, waiter), 'thrower');
  return program;
}
