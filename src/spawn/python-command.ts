/**
 * @module
 * The command line of a Python node process: the interpreter, the `launchpad_ts` package
 * that ships inside the npm package (`python/launchpad_ts/`, put on `PYTHONPATH`, so there
 * is no pip step), and its entry `python -m launchpad_ts`.
 */
import { delimiter } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The directory holding the `launchpad_ts` package: `python/` at the package's root, both
 * from the sources (`src/spawn/`) and from the compiled `dist/spawn/`.
 */
export const PYTHON_PACKAGE_ROOT = fileURLToPath(new URL('../../python/', import.meta.url));

/** A command to start, with what its environment needs on top of the launcher's. */
export interface ProcessCommand {
  /** The program: a command on `PATH` or a path. */
  readonly command: string;
  /** Its arguments. */
  readonly args: readonly string[];
  /** Variables to set in its environment. */
  readonly env: Readonly<Record<string, string>>;
}

/**
 * The command that runs a Python node with `interpreter`. `basePythonPath` is the
 * `PYTHONPATH` the node would otherwise have (its resources', else the launcher's); the
 * package goes first. `-u`: the node's output reaches the launcher line by line.
 */
export function pythonNodeCommand(
  interpreter: string,
  basePythonPath: string | undefined,
): ProcessCommand {
  const path = [PYTHON_PACKAGE_ROOT, ...(basePythonPath ?? '').split(delimiter)]
    .filter((part) => part !== '')
    .join(delimiter);
  return { command: interpreter, args: ['-u', '-m', 'launchpad_ts'], env: { PYTHONPATH: path } };
}
