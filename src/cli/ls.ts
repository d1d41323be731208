/**
 * @module
 * `launchpad-ts ls`: this user's running and recent launches, from the launch registry.
 */
import type { Command } from 'commander';
import { launchesDirectory } from '../launcher/dashboard/launch-registry.ts';
import { readRegistry } from './launch-registry.ts';
import { count } from './option-values.ts';
import { printable, printableJson } from './terminal-text.ts';
import { textTable } from './text-table.ts';
import { projectOf, shortPath } from './project-launches.ts';

interface LsOptions {
  readonly json?: true;
  readonly limit: number;
}

/** Adds `ls` to the `launchpad-ts` command. */
export function registerLs(cli: Command): void {
  cli
    .command('ls')
    .description("list this user's running and recent launches")
    .option('--json', 'print a JSON array instead of a table')
    .option(
      '-n, --limit <count>',
      'show at most this many launches, the most recent first (0: all)',
      count,
      20,
    )
    .addHelpText(
      'after',
      `
A launch's state is running, stopped, failed, or crashed (its launcher is gone without
having recorded an end). SCRIPT is the launch's main script (relative to the current
directory when under it), DIRECTORY its project (the script's git root, else its folder):
commands without --launch act only on a running launch of the current directory's project. Launches are recorded in $LP_STATE_DIR/launches, else
$XDG_STATE_HOME/launchpad-ts/launches, else ~/.local/state/launchpad-ts/launches.
A launch whose launcher ran on another host and recorded no end is unknown: that host's
processes cannot be checked from here.

Example:
  $ launchpad-ts ls --json`,
    )
    .action((options: LsOptions) => {
      const { launches, unreadable } = readRegistry();
      for (const problem of unreadable)
        process.stderr.write(`launchpad-ts: skipped ${printable(problem)}\n`);
      const shown = options.limit === 0 ? launches : launches.slice(0, options.limit);
      const rows = shown.map(({ record, state }) => ({
        id: record.id,
        program: record.programName,
        launchType: record.launchType,
        state,
        startedAt: record.startedAt,
        ...(record.endedAt === undefined ? {} : { endedAt: record.endedAt }),
        script: record.script,
        directory: projectOf(record.script),
        workdir: record.workdir,
      }));
      if (options.json === true) {
        process.stdout.write(`${printableJson(rows)}\n`);
      } else if (rows.length === 0) {
        process.stdout.write(`No launches recorded in ${launchesDirectory()}.\n`);
      } else {
        process.stdout.write(
          textTable(
            ['ID', 'PROGRAM', 'TYPE', 'STATE', 'STARTED', 'SCRIPT', 'DIRECTORY', 'WORKDIR'],
            rows.map((row) => [
              row.id,
              row.program,
              row.launchType,
              row.state,
              row.startedAt,
              shortPath(row.script),
              row.directory,
              row.workdir,
            ]),
          ),
        );
      }
    });
}
