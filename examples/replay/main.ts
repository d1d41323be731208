/**
 * Runs the replay example: `npx tsx examples/replay/main.ts [--lp_launch_type=processes]`.
 * Actors fill the replay node, the learner trains on 20 batches, then the program stops.
 */
import * as lp from 'launchpad-ts';
import { makeProgram } from './program.ts';

const { program, replay, learner } = makeProgram({ numActors: 2 });
const running = lp.launch(program);
try {
  await running.ready;
  const summary = await running.client(learner).train(20, 16);
  console.log('Learner:', summary);
  const info = await running.client(replay).info();
  console.log('Replay table:', info.tables[0]?.size, 'items,', info.tables[0]?.inserts, 'inserts');
  console.log('Checkpoint:', await running.client(replay).checkpoint());
} finally {
  await running.stop();
}
