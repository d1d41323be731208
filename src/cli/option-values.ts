/**
 * @module
 * Parsers of option values for commander: a bad value becomes a usage error (exit code 2)
 * that names what was expected and what was given.
 */
import { InvalidArgumentError } from 'commander';

/** A finite number greater than 0. */
export function positiveNumber(value: string): number {
  const number = Number(value);
  if (value.trim() === '' || !Number.isFinite(number) || number <= 0) {
    throw new InvalidArgumentError(`Expected a number greater than 0, got "${value}".`);
  }
  return number;
}

/** An integer of 0 or more. */
export function count(value: string): number {
  const number = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(number)) {
    throw new InvalidArgumentError(`Expected a whole number of 0 or more, got "${value}".`);
  }
  return number;
}

/** A TCP port, 0 to 65535 (0: any free port). */
export function port(value: string): number {
  const number = count(value);
  if (number > 65_535) {
    throw new InvalidArgumentError(`Expected a port from 0 to 65535, got "${value}".`);
  }
  return number;
}
