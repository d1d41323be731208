/**
 * @module
 * `launchpad-ts logs <node>`: the last lines a node of a running launch printed, and with
 * `-f` the lines it prints from then on.
 */
import type { Command } from 'commander';
import { CliError } from './cli-error.ts';
import { nodePath, type LogLine } from './launch-api.ts';
import { LAUNCH_OPTION, targetLaunch } from './launch-target.ts';
import { count } from './option-values.ts';

interface LogsOptions {
  readonly launch?: string;
  readonly follow?: true;
  readonly tail: number;
}

function print(line: LogLine): void {
  process.stdout.write(line.text.endsWith('\n') ? line.text : `${line.text}\n`);
}

/** Adds `logs` to the `launchpad-ts` command. */
export function registerLogs(cli: Command): void {
  cli
    .command('logs')
    .description("print a node's latest output lines (stdout and stderr)")
    .argument('<node>', 'the node id, e.g. producer/0 (see launchpad-ts status)')
    .option(LAUNCH_OPTION.flags, LAUNCH_OPTION.description)
    .option(
      '-f, --follow',
      'keep printing lines as the node prints them, until Ctrl-C or the launch ends',
    )
    .option('--tail <count>', 'how many of the latest lines to print first', count, 100)
    .addHelpText(
      'after',
      `
Under in-process, nodes print straight to the launcher's own output and the launch keeps
no lines per node: logs says so (exit code 1).

Examples:
  $ launchpad-ts logs consumer/0 --tail 20
  $ launchpad-ts logs learner/0 -f`,
    )
    .action(async (node: string, options: LogsOptions) => {
      const api = targetLaunch(options.launch);
      if (api.launch.launchType === 'in-process') {
        // Said rather than printing nothing, which would read as a silent node.
        throw new CliError(
          `Launch ${api.launch.id} runs its nodes in-process: they print straight to the launcher's own ` +
            'stdout and stderr (the terminal or file it was started with), so the launch keeps no lines ' +
            'per node and logs has none to show. Look there, or launch under threads or processes, ' +
            'whose nodes each get their own lines.',
        );
      }
      const path = `/api/logs/${nodePath(node)}?tail=${options.tail}`;
      if (options.follow !== true) {
        const { lines } = await api.json<{ lines: LogLine[] }>(path);
        for (const line of lines) print(line);
        return;
      }
      const stop = new AbortController();
      const interrupt = (): void => {
        stop.abort();
      };
      process.once('SIGINT', interrupt);
      try {
        // The server sends the latest `tail` lines first, then each new line as it comes.
        await api.events(
          `${path}&follow=1`,
          (data) => {
            print(data as LogLine);
          },
          stop.signal,
        );
      } finally {
        process.off('SIGINT', interrupt);
      }
    });
}
