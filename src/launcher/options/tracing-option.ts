/**
 * @module
 * The tracing option: `tracing` (launch option), else `LP_TRACING` (`1` on, `0` off),
 * else off. See docs/observability.md, "Tracing".
 */
import { LaunchpadError } from '../../errors/errors.ts';
import { USER_VARIABLES } from '../../internal/environment.ts';

/**
 * Whether nodes and the launcher trace their calls: the option when given (its shape is
 * checked with the other options), else `LP_TRACING`, else off.
 *
 * @throws LaunchpadError `INVALID_ARGUMENT` for an `LP_TRACING` other than `0` or `1`
 */
export function resolveTracingOption(
  option: boolean | undefined,
  environment: NodeJS.ProcessEnv,
): boolean {
  if (option !== undefined) return option;
  const value = environment[USER_VARIABLES.tracing];
  if (value === undefined || value === '' || value === '0') return false;
  if (value === '1') return true;
  throw new LaunchpadError(
    'INVALID_ARGUMENT',
    `Expected LP_TRACING to be 1 (trace calls) or 0 (do not), got ${JSON.stringify(value)}.`,
  );
}
