/**
 * @module
 * `launchpad-ts dashboard <workdir>`: reopens a finished, failed or crashed launch from the
 * history in its working directory, in the dashboard, read-only.
 */
import { existsSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { CliError } from './cli-error.ts';
import { loadServeHistory } from './history-server.ts';
import { port } from './option-values.ts';

interface DashboardOptions {
  readonly port?: number;
}

function checkWorkdir(workdir: string): void {
  if (!existsSync(workdir) || !statSync(workdir).isDirectory()) {
    throw new CliError(
      `${workdir} is not a directory; pass a launch's working directory (see launchpad-ts ls).`,
    );
  }
  if (!existsSync(join(workdir, 'history'))) {
    throw new CliError(
      `${workdir} holds no history/ folder, so it is not the working directory of a launch that recorded its history.`,
    );
  }
}

/** Adds `dashboard` to the `launchpad-ts` command. */
export function registerDashboard(cli: Command): void {
  cli
    .command('dashboard')
    .description("reopen a past launch's dashboard, read-only, from its working directory")
    .argument('<workdir>', "the launch's working directory (see launchpad-ts ls)")
    .option('--port <port>', 'the port to serve on, on 127.0.0.1 (0: any free port)', port)
    .addHelpText(
      'after',
      `
Serves until Ctrl-C.

Example:
  $ launchpad-ts dashboard /tmp/launchpad/consumer_producers-20261130-160102 --port 8080`,
    )
    .action(async (workdir: string, options: DashboardOptions) => {
      const folder = resolve(workdir);
      checkWorkdir(folder);
      const serveHistory = await loadServeHistory();
      const served = await serveHistory(
        folder,
        options.port === undefined ? {} : { port: options.port },
      );
      process.stdout.write(`dashboard (read-only) of ${folder}: ${served.url}\n`);
      await new Promise<void>((settle) => {
        const end = (): void => {
          settle();
        };
        process.once('SIGINT', end);
        process.once('SIGTERM', end);
      });
      await served.close();
    });
}
