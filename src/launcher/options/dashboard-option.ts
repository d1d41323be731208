/**
 * @module
 * The dashboard option: `dashboard: true` or `dashboard: PORT`, or the flag
 * `--lp_dashboard[=PORT]`. Every launch serves its launch API on 127.0.0.1; this option
 * decides which port it uses and whether the launcher prints the page's URL.
 */
import { describeThrown, LaunchpadError } from '../../errors/errors.ts';

/** The dashboard option, checked. */
export interface ResolvedDashboardOption {
  /** Print the dashboard page's URL at start. */
  readonly print: boolean;
  /** The launch API's port on 127.0.0.1 (0: any free one). */
  readonly port: number;
}

/**
 * Checks the dashboard option: `dashboard` from the option, else `--lp_dashboard`
 * (`flag`, as {@link launchFlags} read it: `''` when given alone).
 *
 * @throws LaunchpadError `INVALID_ARGUMENT` naming the option or the flag
 */
export function resolveDashboardOption(
  option: unknown,
  flag: string | undefined,
): ResolvedDashboardOption {
  if (option === undefined && flag === undefined) return { print: false, port: 0 };
  if (option === false) return { print: false, port: 0 };
  if (option === true || (option === undefined && flag === '')) return { print: true, port: 0 };
  const port = option ?? Number(flag);
  if (typeof port !== 'number' || !Number.isInteger(port) || port < 0 || port > 65_535) {
    const source = option === undefined ? '--lp_dashboard' : 'launch option `dashboard`';
    throw new LaunchpadError(
      'INVALID_ARGUMENT',
      `Expected ${source} to be true, false or a port number from 0 (any free port) to 65535, got ${describeThrown(option ?? flag)}.`,
    );
  }
  return { print: true, port };
}
