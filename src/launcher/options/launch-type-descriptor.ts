/**
 * @module
 * {@link LaunchTypeDescriptor}: what the launcher knows of a launch type before it loads
 * anything of it. Each launch type's folder (`backends/<type>/`) holds one, in its
 * `launch-type.ts`, small and dependency-free: its name, its Launchpad aliases, the check
 * of its options (which returns the checked section its backend receives) and how to load
 * its backend with `import()`, so that no launch type's dependencies load for another.
 */
import type { Program } from '../../model/program.ts';
import type { ResolvedLaunchOptions } from './launch-options.ts';
import type { ResolvedRestartPolicy } from './restart-policy.ts';

/** What a launch type checks its options against, every part resolved once. */
export interface LaunchCheck {
  /** The program. */
  readonly program: Program;
  /** The options common to every launch type, checked. */
  readonly options: ResolvedLaunchOptions;
  /** Each node's restart policy, by node id (resolved on first read, once). */
  readonly policies: ReadonlyMap<string, ResolvedRestartPolicy>;
}

/**
 * One launch type. `TSection` is the type of its own section of the launch options
 * (`slurm: {…}`), `unknown` for a type without one; `TChecked` what its check makes of
 * it, which its backend receives.
 */
export interface LaunchTypeDescriptor<
  TName extends string = string,
  TSection = unknown,
  TChecked = unknown,
> {
  /** Its name, the value of the `launchType` option. */
  readonly name: TName;
  /** Launchpad's names for it (`local_mp`), accepted as well. */
  readonly aliases: readonly string[];
  /** True when the launch options have a section named after it (`slurm: {…}`). */
  readonly section: boolean;
  /**
   * Refuses, before anything starts, the options this launch type cannot honour, and
   * returns what its backend is given (its section checked, its groups resolved).
   *
   * @param section - its own section of the launch options, if given
   * @throws LaunchpadError `INVALID_ARGUMENT` naming the option's path
   */
  check(launch: LaunchCheck, section: TSection | undefined): TChecked;
  /**
   * Loads the backend: a function of the prepared launch and `TChecked` (the session's
   * `BackendFactory<TChecked>`, which the backend module declares).
   */
  load(): Promise<unknown>;
}
