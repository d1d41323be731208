/**
 * Runs hello_world: `tsx examples/hello_world/main.ts [--lp_launch_type=in-process]`.
 */
import * as lp from 'launchpad-ts';
import { makeProgram } from './program.ts';

await lp.launch(makeProgram()).wait();
