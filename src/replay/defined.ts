/**
 * @module
 * {@link defined}: narrows a lookup that an invariant guarantees, failing loudly (not
 * silently with `undefined`) if the invariant is ever broken.
 */
import { LaunchpadError } from '../errors/errors.ts';

/** Returns `value`, or throws an `INTERNAL` error naming `what` when it is `undefined`. */
export function defined<TValue>(value: TValue | undefined, what: string): TValue {
  if (value === undefined) {
    throw new LaunchpadError('INTERNAL', `Replay invariant broken: ${what} is missing.`);
  }
  return value;
}
