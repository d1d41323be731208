/**
 * Runs program_wait: `tsx examples/program_wait/main.ts [--lp_launch_type=in-process]`.
 * Every node ends on its own once the stopper calls `lp.stop()`; the script exits 0.
 */
import * as lp from 'launchpad-ts';
import { makeProgram } from './program.ts';

await lp.launch(makeProgram()).wait();
console.log('program_wait: every node has stopped');
