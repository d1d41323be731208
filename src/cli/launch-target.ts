/**
 * @module
 * {@link targetLaunch}: the launch a command acts on: the one named by `--launch ID`, else
 * the most recently started launch that is still running.
 */
import { CliError } from './cli-error.ts';
import { LaunchApi } from './launch-api.ts';
import { launchesDirectory } from '../launcher/dashboard/launch-registry.ts';
import { readRegistry } from './launch-registry.ts';

/** The option every command acting on a launch takes. */
export const LAUNCH_OPTION = {
  flags: '--launch <id>',
  description: 'the launch to act on (see launchpad-ts ls) [default: the most recent running one]',
} as const;

/**
 * The API of the launch named `launchId`, or of the most recent running launch.
 *
 * @throws CliError when there is no running launch, no launch of that id, or it has ended
 */
export function targetLaunch(launchId: string | undefined): LaunchApi {
  const { launches } = readRegistry();
  if (launchId === undefined) {
    const running = launches.find((launch) => launch.state === 'running');
    if (running === undefined) {
      throw new CliError(
        `No running launch: none of the ${launches.length} launches recorded in ${launchesDirectory()} is running. ` +
          'Start a program, or see past ones with launchpad-ts ls.',
      );
    }
    return new LaunchApi(running.record);
  }
  const found = launches.find((launch) => launch.record.id === launchId);
  if (found === undefined) {
    const known = launches.map((launch) => launch.record.id);
    throw new CliError(
      `No launch ${launchId} is recorded in ${launchesDirectory()}; ` +
        (known.length === 0
          ? 'no launch is recorded there.'
          : `the recorded ones are: ${known.join(', ')}.`),
    );
  }
  if (found.state === 'unknown') {
    throw new CliError(
      `Launch ${launchId} was started on host ${found.record.host ?? '?'}, not on this one; ` +
        'its API listens on that host only: run this command there.',
    );
  }
  if (found.state !== 'running') {
    throw new CliError(
      `Launch ${launchId} is not running (${found.state}); reopen it read-only with ` +
        `launchpad-ts dashboard ${found.record.workdir}`,
    );
  }
  return new LaunchApi(found.record);
}
