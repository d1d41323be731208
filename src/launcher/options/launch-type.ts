/**
 * @module
 * The launch types, their Launchpad aliases, and how the launch type is chosen: the launch
 * option, else `--lp_launch_type`, else `LP_LAUNCH_TYPE`, else `processes`.
 */
import { LaunchpadError } from '../../errors/errors.ts';
import { readVariable, USER_VARIABLES } from '../../internal/environment.ts';

/** Every launch type this version knows. */
export const LAUNCH_TYPES = ['in-process', 'threads', 'processes', 'slurm', 'kubernetes'] as const;

/** One of {@link LAUNCH_TYPES}. */
export type LaunchType = (typeof LAUNCH_TYPES)[number];

/** Launchpad's names, accepted as aliases. */
export const LAUNCH_TYPE_ALIASES: Readonly<Record<string, LaunchType>> = {
  test_mt: 'in-process',
  local_mt: 'threads',
  in_process: 'in-process',
  local_mp: 'processes',
  test_mp: 'processes',
};

/** The launch type when nothing chooses one. */
export const DEFAULT_LAUNCH_TYPE: LaunchType = 'processes';

/**
 * Picks the launch type: `explicit` (the launch option) if given, else `flag` (the
 * command-line flag, as {@link launchFlags} read it), else the environment variable, else
 * {@link DEFAULT_LAUNCH_TYPE}.
 *
 * @throws LaunchpadError `INVALID_ARGUMENT` for an unknown name, listing the known ones
 */
export function resolveLaunchType(explicit?: string, flag?: string): LaunchType {
  const variable = readVariable(USER_VARIABLES.launchType);
  const [source, name] =
    explicit !== undefined
      ? ['the launchType option', explicit]
      : flag !== undefined
        ? ['--lp_launch_type', flag]
        : variable !== undefined
          ? [variable.from, variable.value]
          : ['the default', DEFAULT_LAUNCH_TYPE];
  return launchTypeNamed(name, source);
}

/**
 * The launch type `name` stands for (one of {@link LAUNCH_TYPES} or a Launchpad alias).
 *
 * @param source - where `name` comes from, for the error (`--lp_launch_type`)
 * @throws LaunchpadError `INVALID_ARGUMENT` for an unknown name, listing the known ones
 */
export function launchTypeNamed(name: string, source: string): LaunchType {
  if ((LAUNCH_TYPES as readonly string[]).includes(name)) return name as LaunchType;
  const alias = LAUNCH_TYPE_ALIASES[name];
  if (alias !== undefined) return alias;
  throw new LaunchpadError(
    'INVALID_ARGUMENT',
    `Unknown launch type "${name}" (from ${source}). Known launch types: ${LAUNCH_TYPES.join(', ')}; ` +
      `Launchpad aliases: ${Object.keys(LAUNCH_TYPE_ALIASES).join(', ')}.`,
  );
}
