/**
 * @module
 * {@link LaunchSetup}: what `launch()` prepares for every launch type before it loads the
 * launcher: the nodes' checked arguments, the restart policies, how node code is found,
 * the secret, the working directory, the lifecycle and the address book. A launcher only
 * starts, follows and ends the nodes.
 */
import { randomBytes } from 'node:crypto';
import { calledFromMainModule, mainModuleUrl } from '../../internal/call-site.ts';
import type { Program } from '../../model/program.ts';
import { AddressBook } from './address-book.ts';
import type { ResolvedLaunchOptions } from '../options/launch-options.ts';
import type { LaunchType } from '../options/launch-types.ts';
import { toWireArguments } from './node-arguments.ts';
import { ProgramLifecycle } from './program-lifecycle.ts';
import { resolveRestartPolicies, type ResolvedRestartPolicy } from '../options/restart-policy.ts';
import { createWorkdir } from './workdir.ts';
import { METRICS_INTERVAL_MS, MetricsStore } from '../metrics/metrics-store.ts';
import { userArgs } from '../options/launch-flags.ts';
import type { SessionBackend } from './launch-session.ts';
import { DiagnosticsBook } from './node-diagnostics.ts';

/** One launch, as every launcher receives it. */
export interface LaunchSetup {
  /** The program. */
  readonly program: Program;
  /** Its options, checked. */
  readonly options: ResolvedLaunchOptions;
  /** The launch type. */
  readonly launchType: LaunchType;
  /** Every node's id, in the program's order. */
  readonly ids: readonly string[];
  /** Every node's arguments with handles as refs, in the program's order. */
  readonly wireArgs: readonly unknown[][];
  /** Each node's restart policy, by node id. */
  readonly policies: ReadonlyMap<string, ResolvedRestartPolicy>;
  /** The main script's URL when it called `launch()` (the `entry` strategy), else unset. */
  readonly entry: string | undefined;
  /** The command-line arguments a node's process gets (the launcher's own, for `entry`). */
  readonly args: readonly string[];
  /** The per-launch secret every connection presents. */
  readonly secret: string;
  /** The launch's working directory. */
  readonly workdir: string;
  /** The launch's state. */
  readonly lifecycle: ProgramLifecycle;
  /** Node id → address, for nodes and for the launcher's clients. */
  readonly book: AddressBook;
  /** Every node's metrics, as reported; undefined when metrics are off. */
  readonly metrics: MetricsStore | undefined;
  /** How to reach each running node's stack and CPU profile. */
  readonly diagnostics: DiagnosticsBook;
}

/**
 * Checks what every launch type checks and prepares the launch. Must run synchronously
 * inside `launch()`: whether the main script called it is read from the call stack.
 *
 * @param restartPolicies - the restart policies, as the launch type's check resolved them
 * @throws LaunchpadError `INVALID_ARGUMENT` naming the node and the argument's path for an
 * argument that cannot reach its node, or naming the key of a wrong restart policy
 */
export function createLaunchSetup(
  program: Program,
  options: ResolvedLaunchOptions,
  launchType: LaunchType,
  restartPolicies: () => ReadonlyMap<string, ResolvedRestartPolicy> = () =>
    resolveRestartPolicies(options.restart, program.nodes),
): LaunchSetup {
  const nodes = program.nodes;
  const wireArgs = nodes.map((node) => toWireArguments(node, program));
  const policies = restartPolicies();
  const entry = calledFromMainModule() ? mainModuleUrl() : undefined;
  const ids = nodes.map((node) => node.id);
  const lifecycle = new ProgramLifecycle(program.name, ids, options.stderr);
  const diagnostics = new DiagnosticsBook();
  // A run that ended takes its diagnostics address with it: a stack dump of a node
  // restarted a moment ago waits for the new run's, instead of knocking on a closed port.
  lifecycle.watchStates((nodeId, state) => {
    if (state === 'restarting' || state === 'stopped' || state === 'failed') {
      diagnostics.forget(nodeId);
    }
  });
  return {
    program,
    options,
    launchType,
    ids,
    wireArgs,
    policies,
    entry,
    // The entry strategy re-runs the main script, which must see the same flags: the
    // program's own, not the launcher's (a node neither launches nor needs them).
    args: entry === undefined ? [] : userArgs(),
    secret: randomBytes(16).toString('hex'),
    workdir: createWorkdir(program.name, options.workdir),
    lifecycle,
    book: new AddressBook(ids),
    metrics: options.metrics ? new MetricsStore(ids, METRICS_INTERVAL_MS) : undefined,
    diagnostics,
  };
}

/**
 * A launch type's backend for a prepared launch and its checked section (what its
 * descriptor's `check` returned), run by the launch session.
 */
export type BackendFactory<TChecked = void> = (
  setup: LaunchSetup,
  checked: TChecked,
) => SessionBackend;
