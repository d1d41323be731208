/**
 * @module
 * The output modes of local launches, in kebab-case as launch types are, with Launchpad's
 * snake_case names accepted as aliases.
 */
import { LaunchpadError } from '../../errors/errors.ts';
import { must, type Check } from '../../internal/shape.ts';

/** Where the output of local node processes goes. */
export type OutputMode =
  /** Each line in the launcher's output, prefixed with the node id. */
  | 'current-terminal'
  /** One log file per node under `<workdir>/logs/`, whose path is printed at start. */
  | 'output-to-files'
  /** One tmux window per node, in a session named after the program. */
  | 'tmux';

/** Launchpad's names for output modes, accepted wherever a mode is. */
export type LaunchpadOutputMode = 'current_terminal' | 'output_to_files';

/** The output modes, in the order they are documented. */
export const OUTPUT_MODES: readonly OutputMode[] = ['current-terminal', 'output-to-files', 'tmux'];

/** Launchpad's names, by the mode they stand for. */
export const OUTPUT_MODE_ALIASES: Readonly<Record<LaunchpadOutputMode, OutputMode>> = {
  current_terminal: 'current-terminal',
  output_to_files: 'output-to-files',
};

/** The mode when nothing chooses one. */
export const DEFAULT_OUTPUT_MODE: OutputMode = 'current-terminal';

const EXPECTED =
  `one of ${OUTPUT_MODES.map((mode) => `"${mode}"`).join(', ')} ` +
  `(or Launchpad's ${Object.keys(OUTPUT_MODE_ALIASES)
    .map((alias) => `"${alias}"`)
    .join(', ')})`;

/** Checks the `output` option's shape: a mode or one of Launchpad's names for one. */
export const outputModeShape: Check = must(
  EXPECTED,
  (value) => typeof value === 'string' && outputModeOrUndefined(value) !== undefined,
);

/**
 * The output mode `name` stands for (one of {@link OUTPUT_MODES} or a Launchpad name).
 *
 * @param source - where `name` comes from, for the error (`LP_OUTPUT`)
 * @throws LaunchpadError `INVALID_ARGUMENT` naming `source` and the known modes
 */
export function outputModeNamed(name: string, source: string): OutputMode {
  const mode = outputModeOrUndefined(name);
  if (mode === undefined) {
    throw new LaunchpadError(
      'INVALID_ARGUMENT',
      `Unknown output mode "${name}" (from ${source}); expected ${EXPECTED}.`,
    );
  }
  return mode;
}

function outputModeOrUndefined(name: string): OutputMode | undefined {
  if ((OUTPUT_MODES as readonly string[]).includes(name)) return name as OutputMode;
  return Object.hasOwn(OUTPUT_MODE_ALIASES, name)
    ? OUTPUT_MODE_ALIASES[name as LaunchpadOutputMode]
    : undefined;
}
