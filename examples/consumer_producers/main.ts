/**
 * Runs the consumer/producers example.
 *
 *   tsx examples/consumer_producers/main.ts --num_producers=3 --lp_launch_type=processes
 */
import { parseArgs } from 'node:util';
import * as lp from 'launchpad-ts';
import { makeProgram } from './program.ts';

const { values } = parseArgs({
  // The program's own flags: lp.userArgs() leaves out the launcher's --lp_* flags.
  args: lp.userArgs(),
  options: { num_producers: { type: 'string', default: '2' } },
});
const numProducers = Number(values.num_producers);
if (!Number.isInteger(numProducers) || numProducers < 1) {
  throw new Error(`--num_producers must be a positive integer, got ${values.num_producers}`);
}

await lp.launch(makeProgram(numProducers)).wait();
