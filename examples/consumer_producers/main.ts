/**
 * Runs the consumer/producers example.
 *
 *   tsx examples/consumer_producers/main.ts --num_producers=3 --lp_launch_type=processes
 */
import { parseArgs } from 'node:util';
import * as lp from 'launchpad-ts';
import { makeProgram } from './program.ts';

const { values } = parseArgs({
  options: { num_producers: { type: 'string', default: '2' }, lp_launch_type: { type: 'string' } },
});
const numProducers = Number(values.num_producers);
if (!Number.isInteger(numProducers) || numProducers < 1) {
  throw new Error(`--num_producers must be a positive integer, got ${values.num_producers}`);
}

await lp.launch(makeProgram(numProducers)).wait();
