/**
 * @module
 * The launcher's command-line flags (`--lp_launch_type`, `--lp_dry_run`,
 * `--lp_time_limit`, `--lp_metrics_port`, `--lp_dashboard`, `--lp_python`), parsed and
 * checked in one place with `node:util` `parseArgs`, in every spelling
 * it knows (`--lp_dry_run`, `--lp_dry_run=1`, `--lp_launch_type slurm`,
 * `--lp_launch_type=slurm`), and taken out of what the program's own flag parser sees
 * ({@link userArgs}).
 */
import { parseArgs } from 'node:util';
import { LaunchpadError } from '../../errors/errors.ts';
import { launchTypeNamed } from './launch-types.ts';
import { parseTimeLimit } from './time-limit-option.ts';

/**
 * The launcher's flags as given on the command line (each value checked); a flag not given
 * is absent.
 */
export interface LaunchFlags {
  /** `--lp_launch_type`: the launch type as written (a launch type or a Launchpad alias). */
  readonly launchType?: string;
  /** `--lp_dry_run`: show what would be submitted, submit nothing. */
  readonly dryRun?: boolean;
  /** `--lp_time_limit`: the time limit as written (`300`, `90s`). */
  readonly timeLimit?: string;
  /** `--lp_metrics_port`: the port to serve `/metrics` on, as written; `0` when given alone. */
  readonly metricsPort?: string;
  /** `--lp_dashboard`: the dashboard's port, as written; `''` when given alone. */
  readonly dashboard?: string;
  /** `--lp_python`: the Python interpreter that runs Python nodes. */
  readonly python?: string;
}

/** The flags and how `parseArgs` reads each (a boolean takes no separate value). */
const FLAGS = {
  lp_launch_type: { type: 'string' },
  lp_dry_run: { type: 'boolean' },
  lp_time_limit: { type: 'string' },
  lp_metrics_port: { type: 'string' },
  lp_dashboard: { type: 'string' },
  lp_python: { type: 'string' },
} as const;

type FlagName = keyof typeof FLAGS;

const FLAG_NAMES = Object.keys(FLAGS) as FlagName[];

function isFlagName(name: string): name is FlagName {
  return (FLAG_NAMES as string[]).includes(name);
}

/** The spellings `--lp_dry_run=<value>` accepts, and what each means. */
const BOOLEAN_VALUES: Readonly<Record<string, boolean>> = {
  '1': true,
  true: true,
  '0': false,
  false: false,
};

/** What one parse found: the flags, and the positions in argv that hold them. */
interface ParsedFlags {
  readonly flags: LaunchFlags;
  readonly lpIndices: ReadonlySet<number>;
}

let cache: { readonly key: string; readonly parsed: ParsedFlags } | undefined;

/**
 * Parses `args` once per distinct command line (the program's arguments, without the
 * Node binary and script).
 */
function parse(args: readonly string[]): ParsedFlags {
  const key = args.join('\0');
  if (cache?.key === key) return cache.parsed;
  // Not strict: every other flag belongs to the program and is left to its own parser.
  const { tokens } = parseArgs({
    args: withOptionalValues(args),
    options: FLAGS,
    strict: false,
    allowPositionals: true,
    tokens: true,
  });
  const found: {
    launchType?: string;
    dryRun?: boolean;
    timeLimit?: string;
    metricsPort?: string;
    dashboard?: string;
    python?: string;
  } = {};
  const lpIndices = new Set<number>();
  for (const token of tokens) {
    if (token.kind !== 'option' || !token.name.startsWith('lp_')) continue;
    const { name, value, index } = token;
    if (!isFlagName(name)) {
      throw new LaunchpadError(
        'INVALID_ARGUMENT',
        `Unknown launcher flag --${name}; the launcher's flags are: ${FLAG_NAMES.map((flag) => `--${flag}`).join(', ')}.`,
      );
    }
    lpIndices.add(index);
    if (name === 'lp_metrics_port' && (value === undefined || value === '')) {
      // Given alone: serve on any free port.
      found.metricsPort = '0';
      continue;
    }
    if (name === 'lp_dashboard' && (value === undefined || value === '')) {
      // Given alone: print the page's URL, any free port.
      found.dashboard = '';
      continue;
    }
    if (FLAGS[name].type === 'string') {
      // A value given as the next argument occupies that position too.
      if (token.inlineValue === false) lpIndices.add(index + 1);
      if (value === undefined || value === '') {
        throw new LaunchpadError(
          'INVALID_ARGUMENT',
          `Expected --${name} to have a value: --${name}=<value> or --${name} <value>.`,
        );
      }
      // Each value is checked here, so that a mistake on the command line is said as one.
      if (name === 'lp_launch_type') {
        launchTypeNamed(value, '--lp_launch_type');
        found.launchType = value;
      } else if (name === 'lp_metrics_port') found.metricsPort = portValue(name, value);
      else if (name === 'lp_dashboard') found.dashboard = portValue(name, value);
      else if (name === 'lp_python') found.python = value;
      else {
        parseTimeLimit(value);
        found.timeLimit = value;
      }
    } else {
      found.dryRun = value === undefined ? true : booleanValue(name, value);
    }
  }
  const parsed = { flags: found, lpIndices };
  cache = { key, parsed };
  return parsed;
}

// Flags whose value may be left out (`--lp_dashboard` alone: any free port). parseArgs
// would take the next argument as their value, even another flag or one of the program's
// own arguments, so one given alone, not followed by a port number, is handed to it as
// `--flag=` (same positions, so the indices of userArgs() still hold).
const OPTIONAL_VALUE_FLAGS = ['--lp_dashboard', '--lp_metrics_port'];

function withOptionalValues(args: readonly string[]): string[] {
  return args.map((arg, index) =>
    OPTIONAL_VALUE_FLAGS.includes(arg) && !/^\d+$/.test(args[index + 1] ?? '') ? `${arg}=` : arg,
  );
}

function portValue(name: string, value: string): string {
  const port = Number(value);
  if (!/^\d+$/.test(value) || port > 65_535) {
    throw new LaunchpadError(
      'INVALID_ARGUMENT',
      `Expected --${name} to be a port number from 0 (any free port) to 65535, or given alone, got --${name}=${value}.`,
    );
  }
  return value;
}

function booleanValue(name: string, value: string): boolean {
  const meaning = BOOLEAN_VALUES[value.toLowerCase()];
  if (meaning === undefined) {
    throw new LaunchpadError(
      'INVALID_ARGUMENT',
      `Expected --${name} to be given alone or as --${name}=1, =true, =0 or =false, got --${name}=${value}.`,
    );
  }
  return meaning;
}

/**
 * The launcher's flags on this command line.
 *
 * @param args - the program's arguments @default process.argv.slice(2)
 * @throws LaunchpadError `INVALID_ARGUMENT` for an unknown `--lp_*` flag, a flag without
 * its value, or a wrong value (an unknown launch type, a time limit that is not a
 * duration, a port out of range, a `--lp_dry_run` that is not 1, true, 0 or false), in
 * `args`; on the command line (no `args`) such a mistake is printed alone and the process
 * exits 2
 */
export function launchFlags(args?: readonly string[]): LaunchFlags {
  return parseOrExit(args).flags;
}

/**
 * The program's own command-line arguments: `process.argv.slice(2)` without the
 * launcher's `--lp_*` flags (and their values), for the program's own flag parser, so a
 * strict parser need not declare them. Node processes are started with these arguments
 * already, so their `process.argv` holds no `--lp_*` flag.
 *
 * @param args - the arguments to filter @default process.argv.slice(2)
 * @throws LaunchpadError `INVALID_ARGUMENT` as {@link launchFlags} does
 *
 * @example
 * ```ts
 * const { values } = parseArgs({ args: lp.userArgs(), options: { workers: { type: 'string' } } });
 * ```
 */
export function userArgs(args?: readonly string[]): string[] {
  const given = args ?? process.argv.slice(2);
  const { lpIndices } = parseOrExit(args);
  return given.filter((_, index) => !lpIndices.has(index));
}

/**
 * Parses `args`, or the command line when `args` is not given. A mistake on the command
 * line is the user's typo, not a bug: it is said alone on standard error, without a
 * stack, and the process exits 2, as command-line tools do for a bad flag. Arguments
 * given explicitly are the program's own: a mistake there throws.
 */
function parseOrExit(args: readonly string[] | undefined): ParsedFlags {
  if (args !== undefined) return parse(args);
  try {
    return parse(process.argv.slice(2));
  } catch (error) {
    if (!(error instanceof LaunchpadError)) throw error;
    process.stderr.write(`launchpad-ts: ${error.message}\n`);
    process.exit(USAGE_EXIT_CODE);
  }
}

/** The exit code of a command given a wrong flag, by convention. */
const USAGE_EXIT_CODE = 2;
