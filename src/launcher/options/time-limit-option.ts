/**
 * @module
 * The time-limit option: `timeLimitMs`, or the flag `--lp_time_limit`.
 */
import { describeThrown, LaunchpadError } from '../../errors/errors.ts';
import { optionError } from './option-check.ts';

const UNITS: Readonly<Record<string, number>> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000 };

/**
 * Parses `--lp_time_limit`: a number of seconds (`300`), or a number with a unit
 * (`500ms`, `90s`, `5m`, `1.5h`).
 */
export function parseTimeLimit(text: string): number {
  const match = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h)?\s*$/.exec(text);
  const amount = match?.[1];
  if (match === null || amount === undefined || !(Number(amount) > 0)) {
    throw new LaunchpadError(
      'INVALID_ARGUMENT',
      `Expected --lp_time_limit to be a positive duration: seconds (300) or with a unit (500ms, 90s, 5m, 1h), got "${text}".`,
    );
  }
  return Number(amount) * (UNITS[match[2] ?? 's'] ?? 1_000);
}

/**
 * The time limit from `options.timeLimitMs`, else `--lp_time_limit` (`flag`, as written),
 * else none.
 */
export function resolveTimeLimit(option: unknown, flag: string | undefined): number | undefined {
  if (option !== undefined) {
    if (typeof option !== 'number' || !(option > 0)) {
      throw optionError(
        'timeLimitMs',
        `must be a positive number of milliseconds, got ${describeThrown(option)}.`,
      );
    }
    return option;
  }
  return flag === undefined ? undefined : parseTimeLimit(flag);
}
