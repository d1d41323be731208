/**
 * Ape-X DQN (Horgan et al., 2018) on CartPole-v1: N actors with their own ε, a prioritised
 * replay node, a learner with a target network, and an evaluator.
 */
import * as lp from 'launchpad-ts';
import {
  RateLimiters,
  Removers,
  ReplayNode,
  Samplers,
  type RateLimiterSpec,
  type ReplayService,
} from 'launchpad-ts/replay';
import { Actor } from './actor.ts';
import type { ApexConfig } from './config.ts';
import { Evaluator } from './evaluator.ts';
import { Learner } from './learner.ts';
import { TABLE, type LearnerApi } from './learner-api.ts';
import type { Transition } from './transition.ts';

function rateLimiter(config: ApexConfig): RateLimiterSpec {
  if (config.samplesPerInsert <= 0) return RateLimiters.minSize(config.minReplay);
  // Each transition is sampled about samplesPerInsert times; the buffer lets either side
  // run a few batches ahead before it waits.
  return RateLimiters.sampleToInsertRatio({
    samplesPerInsert: config.samplesPerInsert,
    minSizeToSample: config.minReplay,
    errorBuffer: Math.max(config.samplesPerInsert * config.insertBatch * 8, config.batchSize * 8),
  });
}

/** The prioritised replay node of transitions (shared with `bench/apex-actors.ts`). */
export function makeReplayNode(config: ApexConfig): ReplayNode<Transition> {
  return new ReplayNode<Transition>({
    seed: config.seed,
    tables: [
      {
        name: TABLE,
        maxSize: config.replaySize,
        sampler: Samplers.prioritized(config.priorityExponent),
        remover: Removers.fifo(),
        rateLimiter: rateLimiter(config),
      },
    ],
  });
}

/** Builds the program and returns it with the handles a launcher or test needs. */
export function makeProgram(config: ApexConfig): {
  program: lp.Program;
  learner: lp.Handle<Learner>;
  evaluator: lp.Handle<Evaluator>;
  replay: lp.Handle<ReplayService<Transition>>;
} {
  const program = new lp.Program('apex_dqn');
  const replay = program.addNode(makeReplayNode(config), 'replay');
  const learner = program.addNode(new lp.ServiceNode(Learner, replay, config), 'learner');
  const evaluator = addActorsAndEvaluator(program, config, replay, learner);
  return { program, learner, evaluator, replay };
}

/**
 * Adds the actors and the evaluator around a replay node and a learner, whatever the
 * learner is written in (`examples/apex_dqn_torch` adds a PyTorch learner); returns the
 * evaluator's handle.
 */
export function addActorsAndEvaluator(
  program: lp.Program,
  config: ApexConfig,
  replay: lp.Handle<ReplayService<Transition>>,
  learner: lp.Handle<LearnerApi>,
): lp.Handle<Evaluator> {
  for (let i = 0; i < config.numActors; i++) {
    program.addNode(new lp.ServiceNode(Actor, replay, learner, config, i), 'actor');
  }
  return program.addNode(new lp.ServiceNode(Evaluator, learner, replay, config), 'evaluator');
}
