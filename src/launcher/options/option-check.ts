/**
 * @module
 * The one wording of a refused launch option: `Launch option <path> <problem>`, where the
 * path is the option's own (`slurm.groups["learner"].cpus`,
 * `restart["learner"].maxRestarts`), whether the shape of the value is wrong or it names
 * something the program does not have.
 */
import { LaunchpadError } from '../../errors/errors.ts';
import { ShapeError, type Check } from '../../internal/shape.ts';

/** The error for the launch option at `path`; `problem` completes the sentence. */
export function optionError(path: string, problem: string): LaunchpadError {
  return new LaunchpadError('INVALID_ARGUMENT', `Launch option ${path} ${problem}`);
}

/**
 * Checks the launch option `value`, found at `path`, against `shape`.
 *
 * @throws LaunchpadError `INVALID_ARGUMENT` naming the option's path and what is wrong
 */
export function checkOption(shape: Check, value: unknown, path: string): void {
  try {
    shape(value, path);
  } catch (error) {
    if (!(error instanceof ShapeError)) throw error;
    const unknown = error.unknownKey;
    if (error.path === '' && unknown !== undefined) {
      throw new LaunchpadError(
        'INVALID_ARGUMENT',
        `Unknown launch option "${unknown.key}"; the launch options are: ${unknown.allowed.join(', ')}.`,
      );
    }
    throw new LaunchpadError('INVALID_ARGUMENT', `Launch option ${error.message}`);
  }
}
