/**
 * @module
 * {@link targetLaunch}: the launch a command acts on: the one named by `--launch ID`, else
 * the one running launch of the current directory's project. With none or several, the
 * command lists them and exits 2 without acting: guessing could stop someone else's run.
 */
import { CliError, EXIT } from './cli-error.ts';
import {
  launchesOfProject,
  PROJECT_MARKERS,
  projectFolders,
  projectOf,
} from './project-launches.ts';
import { printable } from './terminal-text.ts';
import { textTable } from './text-table.ts';
import { LaunchApi } from './launch-api.ts';
import { launchesDirectory } from '../launcher/dashboard/launch-registry.ts';
import { readRegistry, type RegisteredLaunch } from './launch-registry.ts';

/** The option every command acting on a launch takes. */
export const LAUNCH_OPTION = {
  flags: '--launch <id>',
  description:
    "the launch to act on (see launchpad-ts ls) [default: the running launch of this directory's project, if there is exactly one]",
} as const;

/**
 * The API of the launch named `launchId`, or of the one running launch of the current
 * directory's project (its script under the project's root or its git root; see
 * {@link projectFolders}).
 *
 * @throws CliError when no launch has that id or it has ended; with exit code 2 when no
 * launch id is given and the current directory is in no project, or the project has no
 * running launch, or several (listing them)
 */
export function targetLaunch(launchId: string | undefined): LaunchApi {
  const { launches } = readRegistry();
  if (launchId === undefined) {
    const running = launches.filter((launch) => launch.state === 'running');
    if (projectFolders().length === 0) {
      throw new CliError(
        `${process.cwd()} is in no project (no ${PROJECT_MARKERS.join(' or ')} in it or above it), ` +
          'so no launch is its own; nothing was done. ' +
          (running.length === 0
            ? `None of the ${launches.length} launches recorded in ${launchesDirectory()} is running.`
            : `Name one of the running launches with --launch ID:\n${launchList(running)}`),
        EXIT.usage,
      );
    }
    const mine = launchesOfProject(running);
    const [only] = mine;
    if (only !== undefined && mine.length === 1) return new LaunchApi(only.record);
    const where = projectFolders().join(' or ');
    if (mine.length > 1) {
      throw new CliError(
        `${mine.length} launches of this project (scripts under ${where}) are running; ` +
          `choose one with --launch ID:\n${launchList(mine)}`,
        EXIT.usage,
      );
    }
    throw new CliError(
      `No running launch of this project (a script under ${where}); nothing was done. ` +
        (running.length === 0
          ? `None of the ${launches.length} launches recorded in ${launchesDirectory()} is running.`
          : `Running launches of other projects, to name with --launch ID:\n${launchList(running)}`),
      EXIT.usage,
    );
  }
  const found = launches.find((launch) => launch.record.id === launchId);
  if (found === undefined) {
    throw new CliError(
      `No launch ${launchId} is recorded in ${launchesDirectory()}; ` +
        (launches.length === 0 ? 'no launch is recorded there.' : someLaunches(launches)),
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

/** How many launch ids an unknown `--launch` lists (`ls` lists them all). */
export const LISTED_LAUNCHES = 10;

/**
 * The running launches and the most recent others, at most {@link LISTED_LAUNCHES}, one per
 * line with its state, and where to see the rest.
 */
function someLaunches(launches: readonly RegisteredLaunch[]): string {
  // Running ones first: the launch meant is most likely one of them.
  const ordered = [
    ...launches.filter((launch) => launch.state === 'running'),
    ...launches.filter((launch) => launch.state !== 'running'),
  ];
  const shown = ordered.slice(0, LISTED_LAUNCHES);
  const rest = launches.length - shown.length;
  return (
    `${rest > 0 ? `the ${shown.length} most relevant of ${launches.length}` : 'the recorded ones'} ` +
    `(running first, then newest first):\n${shown.map(({ record, state }) => `  ${printable(record.id)}  ${state}`).join('\n')}` +
    (rest > 0 ? `\n  … and ${rest} more: launchpad-ts ls lists them all.` : '')
  );
}

/** The launches as a small table: id, program, script and project folder. */
function launchList(launches: readonly RegisteredLaunch[]): string {
  return textTable(
    ['ID', 'PROGRAM', 'SCRIPT', 'DIRECTORY'],
    launches.map(({ record }) =>
      [
        record.id,
        record.programName,
        record.script === '' ? '-' : record.script,
        projectOf(record.script),
      ].map(printable),
    ),
  ).trimEnd();
}
