/**
 * Runs the batching example.
 *
 *   tsx examples/batching/main.ts --num_clients=4 --lp_launch_type=processes
 */
import { parseArgs } from 'node:util';
import * as lp from 'launchpad-ts';
import { makeProgram } from './program.ts';

const { values } = parseArgs({
  // The program's own flags: lp.userArgs() leaves out the launcher's --lp_* flags.
  args: lp.userArgs(),
  options: { num_clients: { type: 'string', default: '4' } },
});
const numClients = Number(values.num_clients);
if (!Number.isInteger(numClients) || numClients < 1) {
  throw new Error(`--num_clients must be a positive integer, got ${values.num_clients}`);
}

await lp.launch(makeProgram(numClients)).wait();
