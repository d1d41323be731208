/**
 * @module
 * A range of TCP ports a server may listen on, for clusters whose firewalls open only
 * some ports between hosts.
 */
import { describeThrown, LaunchpadError } from '../errors/errors.ts';

/** The ports `first` to `last`, both included. */
export interface PortRange {
  readonly first: number;
  readonly last: number;
}

const RANGE = /^(\d{1,5})-(\d{1,5})$/;

/**
 * Reads a range written `'first-last'` (as Slurm writes `SrunPortRange`).
 *
 * @throws LaunchpadError `INVALID_ARGUMENT` naming `option` and the value
 */
export function parsePortRange(value: unknown, option: string): PortRange {
  const match = typeof value === 'string' ? RANGE.exec(value) : null;
  const first = Number(match?.[1]);
  const last = Number(match?.[2]);
  if (match === null || first < 1 || last > 65_535 || first > last) {
    throw new LaunchpadError(
      'INVALID_ARGUMENT',
      `${option} must be a port range such as '50000-50999' (first ≤ last, within 1-65535), got ${describeThrown(value)}.`,
    );
  }
  return { first, last };
}

/**
 * The ports of `range` in the order to try them: from a random one onwards, wrapping
 * around, so that servers starting at once on one host rarely race for the same port.
 */
export function portsToTry(range: PortRange, random: () => number = Math.random): number[] {
  const count = range.last - range.first + 1;
  const start = Math.floor(random() * count);
  return Array.from({ length: count }, (_, i) => range.first + ((start + i) % count));
}
