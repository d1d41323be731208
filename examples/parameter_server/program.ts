/**
 * Data-parallel SGD with a parameter server: N workers compute gradients on their own
 * shards of the digits, the server applies them (synchronously or asynchronously), and
 * an evaluator measures held-out accuracy as training goes.
 */
import * as lp from 'launchpad-ts';
import { Random } from '../common/random.ts';
import type { PsConfig } from './config.ts';
import { CLASSES, PIXELS } from './digits.ts';
import { Evaluator } from './evaluator.ts';
import { Mlp } from './mlp.ts';
import { ParameterServer } from './parameter-server.ts';
import { Worker } from './worker.ts';

/** The program and the handle a launcher talks to. */
export interface PsProgram {
  /** The program. */
  readonly program: lp.Program;
  /** The evaluator, whose `follow()` returns the learning curve. */
  readonly evaluator: lp.Handle<Evaluator>;
}

/** Builds the program: a parameter server, `config.numWorkers` workers and an evaluator. */
export function makeProgram(config: PsConfig): PsProgram {
  const program = new lp.Program('parameter_server');
  const model = new Mlp({ inputs: PIXELS, hidden: config.hidden, classes: CLASSES });
  // Seeded, so every node process that rebuilds the program builds the same one.
  const initial = model.initialParameters(new Random(config.seed));
  const server = program.addNode(
    new lp.ServiceNode(ParameterServer, {
      initial,
      mode: config.mode,
      numWorkers: config.numWorkers,
      learningRate: config.learningRate,
      steps: config.steps,
    }),
    'server',
  );
  program.group('worker', () => {
    for (let i = 0; i < config.numWorkers; i++) {
      program.addNode(new lp.ServiceNode(Worker, server, i, config));
    }
  });
  const evaluator = program.addNode(new lp.ServiceNode(Evaluator, server, config), 'evaluator');
  return { program, evaluator };
}
