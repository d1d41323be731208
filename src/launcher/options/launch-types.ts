/**
 * @module
 * The table of launch types: one {@link LaunchTypeDescriptor} per folder of `backends/`.
 * {@link LaunchType}, the Launchpad aliases and each launch type's section of the launch
 * options derive from it, and how the launch type is chosen: the launch option, else
 * `--lp_launch_type`, else `LP_LAUNCH_TYPE`, else `processes`.
 */
import { LaunchpadError } from '../../errors/errors.ts';
import { readVariable, USER_VARIABLES } from '../../internal/environment.ts';
import type { LaunchTypeDescriptor } from './launch-type-descriptor.ts';
import type { LaunchOptions } from './launch-options.ts';
import { inProcessLaunchType } from '../backends/in-process/descriptor/launch-type.ts';
import { kubernetesLaunchType } from '../backends/kubernetes/descriptor/launch-type.ts';
import { processesLaunchType } from '../backends/processes/descriptor/launch-type.ts';
import { slurmLaunchType } from '../backends/slurm/descriptor/launch-type.ts';
import { threadsLaunchType } from '../backends/threads/descriptor/launch-type.ts';

/** Every launch type this version ships, in the order they are documented. */
const SHIPPED = [
  inProcessLaunchType,
  threadsLaunchType,
  processesLaunchType,
  slurmLaunchType,
  kubernetesLaunchType,
] as const;

type Shipped = (typeof SHIPPED)[number];

// The public types are written out (`LaunchType` here, the aliases and sections in
// `LaunchOptions`), so that a user's compiler reads them without the table's internals;
// `TABLE_AGREES` fails to compile unless they are the table's own.

/** The name of a launch type this version knows. */
export type LaunchType = 'in-process' | 'threads' | 'processes' | 'slurm' | 'kubernetes';

/** Each launch type's section, as the table has it. */
type TableSections = {
  readonly [D in Shipped as D['section'] extends true ? D['name'] : never]?: NonNullable<
    Parameters<D['check']>[1]
  >;
};

type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;

/** True thrice, or a compile error: the public union, aliases and sections are the table's. */
export const TABLE_AGREES: [
  Same<Shipped['name'], LaunchType>,
  Same<Shipped['aliases'][number], Exclude<LaunchOptions['launchType'], LaunchType | undefined>>,
  Same<TableSections, Pick<LaunchOptions, keyof TableSections>>,
] = [true, true, true];

/** Every launch type this version knows. */
export const LAUNCH_TYPES: readonly LaunchType[] = SHIPPED.map((type) => type.name);

/** The launch types a launch may name: the shipped ones, and any a test registers. */
const known: LaunchTypeDescriptor[] = [...SHIPPED];

/**
 * Adds a launch type to those a launch may name, beside the shipped ones: the one line
 * that registers a launch type kept outside `src/` (a test's toy launch type). Not part of
 * the public API.
 *
 * @throws Error when a launch type or alias of that name exists already
 */
export function registerLaunchType(type: LaunchTypeDescriptor): void {
  const names = [type.name, ...type.aliases];
  const taken = known.find((other) =>
    names.some((name) => other.name === name || other.aliases.includes(name)),
  );
  if (taken !== undefined) throw new Error(`Launch type ${taken.name} is already registered.`);
  known.push(type);
}

/** The launch options' keys that are a launch type's section. */
export function launchTypeSections(): string[] {
  return known.filter((type) => type.section).map((type) => type.name);
}

/** The launch type when nothing chooses one. */
export const DEFAULT_LAUNCH_TYPE: LaunchType = 'processes';

/**
 * Picks the launch type: `explicit` (the launch option) if given, else `flag` (the
 * command-line flag, as {@link launchFlags} read it), else the environment variable, else
 * {@link DEFAULT_LAUNCH_TYPE}.
 *
 * @throws LaunchpadError `INVALID_ARGUMENT` for an unknown name, listing the known ones
 */
export function resolveLaunchType(explicit?: string, flag?: string): LaunchTypeDescriptor {
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
export function launchTypeNamed(name: string, source: string): LaunchTypeDescriptor {
  const found = known.find((type) => type.name === name || type.aliases.includes(name));
  if (found !== undefined) return found;
  throw new LaunchpadError(
    'INVALID_ARGUMENT',
    `Unknown launch type "${name}" (from ${source}). Known launch types: ${known.map((type) => type.name).join(', ')}; ` +
      `Launchpad aliases: ${known.flatMap((type) => type.aliases).join(', ')}.`,
  );
}
