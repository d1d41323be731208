/**
 * Ape-X DQN with the learner in Python on PyTorch: the TypeScript actors, replay and
 * evaluator of `examples/apex_dqn`, around `learner.py`, a Python node whose handle is
 * typed by the same {@link LearnerApi} the TypeScript learner implements.
 */
import * as lp from 'launchpad-ts';
import type { ReplayService } from 'launchpad-ts/replay';
import type { ApexConfig } from '../apex_dqn/config.ts';
import type { Evaluator } from '../apex_dqn/evaluator.ts';
import type { LearnerApi } from '../apex_dqn/learner-api.ts';
import { addActorsAndEvaluator, makeReplayNode } from '../apex_dqn/program.ts';
import type { Transition } from '../apex_dqn/transition.ts';

/** The Python learner: class `Learner` of `learner.py`, next to this file. */
export const LEARNER_FILE = new URL('./learner.py', import.meta.url);

/** Builds the program and returns it with the handles a launcher or test needs. */
export function makeProgram(config: ApexConfig): {
  program: lp.Program;
  learner: lp.Handle<LearnerApi>;
  evaluator: lp.Handle<Evaluator>;
  replay: lp.Handle<ReplayService<Transition>>;
} {
  const program = new lp.Program('apex_dqn_torch');
  const replay = program.addNode(makeReplayNode(config), 'replay');
  const learner = program.addNode(
    // An interpreter without torch is refused at launch(), before any node starts.
    new lp.PythonNode<LearnerApi>(LEARNER_FILE, 'Learner', replay, config).requires('torch'),
    'learner',
  );
  const evaluator = addActorsAndEvaluator(program, config, replay, learner);
  return { program, learner, evaluator, replay };
}
