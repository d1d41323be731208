/**
 * @module
 * `launchpad-ts stop`: stops a running launch, as Ctrl-C in its terminal would.
 */
import type { Command } from 'commander';
import { LAUNCH_OPTION, targetLaunch } from './launch-target.ts';
import { printable } from './terminal-text.ts';

interface StopOptions {
  readonly launch?: string;
}

/** Adds `stop` to the `launchpad-ts` command. */
export function registerStop(cli: Command): void {
  cli
    .command('stop')
    .description('stop a running launch: every node gets the stop signal, then its grace period')
    .option(LAUNCH_OPTION.flags, LAUNCH_OPTION.description)
    .addHelpText(
      'after',
      `
Example:
  $ launchpad-ts stop --launch consumer_producers-20261130-160102`,
    )
    .action(async (options: StopOptions) => {
      const api = targetLaunch(options.launch);
      await api.json('/api/stop?by=cli', { method: 'POST' });
      const { id, programName } = api.launch;
      process.stdout.write(
        `Stopping launch ${printable(id)} (program ${printable(programName)}).\n`,
      );
    });
}
