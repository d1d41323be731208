/**
 * @module
 * `launchpad-ts python-path`: prints the folder that holds the `launchpad_ts` Python
 * package shipped inside launchpad-ts, for a user's own Python tests
 * (`PYTHONPATH=$(npx launchpad-ts python-path) python -m unittest`). A launch puts it on
 * its Python nodes' path itself.
 */
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';

/** `python/` at the package's root: two folders up from both `src/cli/` and `dist/cli/`. */
const PYTHON_FOLDER = fileURLToPath(new URL('../../python', import.meta.url));

/** Adds `python-path` to the `launchpad-ts` command. */
export function registerPythonPath(cli: Command): void {
  cli
    .command('python-path')
    .description(
      'print the folder holding the launchpad_ts Python package, to put on PYTHONPATH for your own Python tests',
    )
    .addHelpText(
      'after',
      `
Example:
  $ PYTHONPATH=$(npx launchpad-ts python-path) python3 -m unittest discover -s tests`,
    )
    .action(() => {
      process.stdout.write(`${PYTHON_FOLDER}\n`);
    });
}
