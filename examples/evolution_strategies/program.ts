/**
 * OpenAI-style evolution strategies on CartPole-v1: a master and N workers that
 * evaluate perturbations it names as offsets into a noise table they all share.
 */
import * as lp from 'launchpad-ts';
import type { EsConfig } from './config.ts';
import { EsMaster } from './es-master.ts';
import { EsWorker } from './es-worker.ts';

/** The program and the handle a launcher talks to. */
export interface EsProgram {
  /** The program. */
  readonly program: lp.Program;
  /** The master, whose `train()` runs ES and returns the curve. */
  readonly master: lp.Handle<EsMaster>;
}

/** Builds the program: `config.numWorkers` workers and a master. */
export function makeProgram(config: EsConfig): EsProgram {
  if (!Number.isInteger(config.numWorkers) || config.numWorkers < 1) {
    throw new Error(
      `evolution_strategies: numWorkers must be a positive integer, got ${config.numWorkers}`,
    );
  }
  const program = new lp.Program('evolution_strategies');
  const workers = program.group('worker', () =>
    Array.from({ length: config.numWorkers }, () =>
      program.addNode(new lp.ServiceNode(EsWorker, config)),
    ),
  );
  const master = program.addNode(new lp.ServiceNode(EsMaster, workers, config), 'master');
  return { program, master };
}
