/**
 * MapReduce word count: mappers count their files and partition the counts by word,
 * reducers sum their partitions, and a coordinator schedules the map tasks and gathers
 * the result.
 */
import * as lp from 'launchpad-ts';
import { Coordinator } from './coordinator.ts';
import { Mapper } from './mapper.ts';
import { Reducer } from './reducer.ts';

/** The program and the handle a launcher talks to. */
export interface MapReduceProgram {
  /** The program. */
  readonly program: lp.Program;
  /** The coordinator, whose `wordCount(files)` runs a job. */
  readonly coordinator: lp.Handle<Coordinator>;
}

/** Builds the program: `numReducers` reducers, `numMappers` mappers and a coordinator. */
export function makeProgram(numMappers: number, numReducers: number): MapReduceProgram {
  for (const [name, value] of Object.entries({ numMappers, numReducers })) {
    if (!Number.isInteger(value) || value < 1) {
      throw new Error(`mapreduce makeProgram: ${name} must be a positive integer, got ${value}`);
    }
  }
  const program = new lp.Program('mapreduce');
  const reducers = program.group('reducer', () =>
    Array.from({ length: numReducers }, () => program.addNode(new lp.ServiceNode(Reducer))),
  );
  const mappers = program.group('mapper', () =>
    Array.from({ length: numMappers }, () => program.addNode(new lp.ServiceNode(Mapper, reducers))),
  );
  const coordinator = program.addNode(
    new lp.ServiceNode(Coordinator, mappers, reducers),
    'coordinator',
  );
  return { program, coordinator };
}
