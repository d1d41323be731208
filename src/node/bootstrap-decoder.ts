/**
 * @module
 * The one decoder of what an entry script is handed (its bootstrap, a colocated task, a
 * colocation host's settings, a Slurm job's task list): JSON, checked against its shape,
 * with an error that says where it came from and which field is wrong, rather than a cast
 * that fails later and elsewhere.
 */
import { LaunchpadError } from '../errors/errors.ts';
import { ShapeError, type Shape } from '../internal/shape.ts';
import { thrownMessage } from '../errors/thrown.ts';

/**
 * Decodes `raw` (JSON from `source`, e.g. the variable `LP_BOOTSTRAP`) and checks it
 * against `shape`.
 *
 * @throws LaunchpadError `FAILED_PRECONDITION` naming `source` and the wrong field
 */
export function decodeBootstrap<T>(raw: string, source: string, shape: Shape<T>): T {
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch (error) {
    throw new LaunchpadError(
      'FAILED_PRECONDITION',
      `What ${source} holds is not JSON (${thrownMessage(error)}); this process must be started by launchpad-ts.`,
    );
  }
  try {
    shape(value, source);
  } catch (error) {
    if (!(error instanceof ShapeError)) throw error;
    throw new LaunchpadError(
      'FAILED_PRECONDITION',
      `${error.message} This process must be started by a launcher of the same launchpad-ts version.`,
    );
  }
  // The shape has just accepted it, and the shape's type says what it accepts.
  return value as T;
}

/**
 * Takes `variable` out of the environment (the processes this one starts must not inherit
 * it, as it may hold the launch's secret) and decodes it.
 *
 * @throws LaunchpadError `FAILED_PRECONDITION` when it is not set, or not valid
 */
export function takeFromEnvironment<T>(variable: string, shape: Shape<T>, purpose: string): T {
  const raw = process.env[variable];
  Reflect.deleteProperty(process.env, variable);
  if (raw === undefined || raw === '') {
    throw new LaunchpadError(
      'FAILED_PRECONDITION',
      `${variable} is not set; this script runs ${purpose}, started by launchpad-ts.`,
    );
  }
  return decodeBootstrap(raw, variable, shape);
}
