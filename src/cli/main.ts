#!/usr/bin/env node
/**
 * @module
 * `launchpad-ts`, the package's command: draws a program's graph without launching it,
 * lists this user's launches, looks at or acts on a running one through its launch
 * API, and says where the Python package is. Exit codes: 0 done, 1 failed, 2 bad command
 * line, 3 `status --diagnose` found an unhealthy node.
 */
import { createRequire } from 'node:module';
import { Command, CommanderError } from 'commander';
import { CliError, EXIT } from './cli-error.ts';
import { registerDashboard } from './dashboard.ts';
import { registerGraph } from './graph.ts';
import { registerLogs } from './logs.ts';
import { registerLs } from './ls.ts';
import { registerProfile } from './profile.ts';
import { registerPythonPath } from './python-path.ts';
import { registerStack } from './stack.ts';
import { registerStatus } from './status.ts';
import { registerStop } from './stop.ts';
import { printable, printableLines } from './terminal-text.ts';
import { thrownMessage } from '../errors/thrown.ts';

// package.json is two folders up from both src/cli/ and dist/cli/.
const { version } = createRequire(import.meta.url)('../../package.json') as { version: string };

function createCli(): Command {
  const cli = new Command('launchpad-ts')
    .description(
      "Look at launchpad-ts programs: a program's graph, this user's launches, a running launch.",
    )
    .version(version)
    // Set before the commands are added, so that each of them inherits it: commander
    // throws instead of exiting, and the exit code is chosen below.
    .exitOverride()
    .showHelpAfterError('(add --help for usage)');
  registerGraph(cli);
  registerLs(cli);
  registerStatus(cli);
  registerLogs(cli);
  registerStack(cli);
  registerProfile(cli);
  registerStop(cli);
  registerDashboard(cli);
  registerPythonPath(cli);
  return cli;
}

/** The exit code for what a command threw; explains it on stderr first. */
function exitCodeOf(error: unknown): number {
  if (error instanceof CommanderError) {
    // Commander has printed its message (or the help or version) already.
    const printedOnRequest = ['commander.helpDisplayed', 'commander.version'].includes(error.code);
    return printedOnRequest || error.exitCode === 0 ? EXIT.ok : EXIT.usage;
  }
  if (error instanceof CliError) {
    // A CliError's lines are the command's own; what it quotes was made printable.
    process.stderr.write(`launchpad-ts: ${printableLines(error.message)}\n`);
    return error.exitCode;
  }
  process.stderr.write(`launchpad-ts: ${printable(thrownMessage(error))}\n`);
  return EXIT.failed;
}

// A reader that stops early (`launchpad-ts graph main.js | head`) has all it wanted: end
// quietly rather than with an unhandled EPIPE error.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code !== 'EPIPE') throw error;
  process.exit(EXIT.ok);
});

createCli()
  .parseAsync(process.argv)
  .catch((error: unknown) => {
    // exitCode, not exit(): what was written to stdout is flushed before the process ends.
    process.exitCode = exitCodeOf(error);
  });
