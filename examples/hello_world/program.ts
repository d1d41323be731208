/**
 * Launchpad's hello_world: one node that prints a greeting and ends, which ends the
 * program.
 */
import * as lp from 'launchpad-ts';

/** Prints a greeting from wherever it runs. */
export class HelloWorld {
  /** Called once the node is up; the node ends when it returns. */
  run(): void {
    const { nodeId, launchType } = lp.context();
    console.log(`Hello World! (from ${nodeId}, launched as ${launchType})`);
  }
}

/** A program with a single hello_printer node. */
export function makeProgram(): lp.Program {
  const program = new lp.Program('hello_world');
  program.addNode(new lp.ServiceNode(HelloWorld), 'hello_printer');
  return program;
}
