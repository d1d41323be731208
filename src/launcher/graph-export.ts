/**
 * @module
 * The hook behind `launchpad-ts graph`: when {@link GRAPH_OUTPUT_ENV} names a file,
 * `launch()` writes the program's graph there as JSON and ends the process, so a user's
 * own script shows its graph without starting a node.
 */
import { writeFileSync } from 'node:fs';
import { programGraph } from '../model/program-graph.ts';
import type { Program } from '../model/program.ts';
import { INTERNAL_VARIABLES } from '../internal/environment.ts';

/** The environment variable naming the file `launch()` writes the graph to, then exits. */
export const GRAPH_OUTPUT_ENV = INTERNAL_VARIABLES.graphOutput;

/**
 * Writes `program`'s graph to the file named by {@link GRAPH_OUTPUT_ENV} and exits the
 * process with code 0; returns at once when the variable is not set.
 */
export function exportGraphIfAsked(program: Program): void {
  const target = process.env[GRAPH_OUTPUT_ENV];
  if (target === undefined || target === '') return;
  writeFileSync(target, JSON.stringify(programGraph(program)));
  // Nothing was started, so nothing needs stopping; code after launch() must not run.
  process.exit(0);
}
