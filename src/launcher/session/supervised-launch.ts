/**
 * @module
 * The launch sequence shared by local launchers whose nodes run apart from the launcher
 * (`processes`, `threads`): validate, start the control plane, start every node through
 * a {@link Supervisor}, answer signals, and release everything at the end. A launcher
 * only says how to start one node.
 */
import type { AddressBook } from './address-book.ts';
import { handleInterrupts } from './interrupts.ts';
import { resourcesOf } from '../options/launch-options.ts';
import type { LaunchSetup } from './launch-setup.ts';
import { Supervisor } from './supervisor.ts';
import type { Node } from '../../model/node.ts';
import { startControlPlane, type ControlPlane } from './control-plane.ts';
import type { StartedUnit, UnitLaunch } from '../../spawn/unit.ts';

/** What one node needs to start, with the node itself. */
export interface UnitStart extends UnitLaunch {
  /** The node. */
  readonly node: Node;
}

export type { StartedUnit, UnitExit, UnitLaunch } from '../../spawn/unit.ts';

/** What a local launcher provides. */
export interface SupervisedLauncher {
  /** Runs once the control plane is up, before any node starts. */
  prepare?(context: { readonly workdir: string; readonly book: AddressBook }): Promise<void>;
  /** Starts one node. */
  start(unit: UnitStart): StartedUnit;
  /** Runs after every node has ended. */
  release?(): Promise<void>;
}

/** Starts a prepared launch with one supervised unit (process or thread) per node. */
export function launchSupervised(setup: LaunchSetup, launcher: SupervisedLauncher): void {
  const { program, options, ids, wireArgs, policies, entry, secret, workdir, lifecycle, book } =
    setup;
  const nodes = program.nodes;
  let plane: ControlPlane | undefined;
  let releaseInterrupts = (): void => undefined;
  let starting: Promise<void> = Promise.resolve();
  const supervisor = new Supervisor({
    lifecycle,
    book,
    policies,
    terminationGraceMs: options.terminationGraceMs,
    stderr: options.stderr,
    start: (nodeId) => {
      const index = ids.indexOf(nodeId);
      const node = nodes[index];
      if (plane === undefined || node === undefined) throw new Error(`Cannot start ${nodeId} yet.`);
      const started = launcher.start({
        node,
        nodeId,
        index,
        bootstrap: plane.bootstrap(nodeId),
        // A node may import the main script (its launcher code in lp.main()): same flags.
        args: setup.args,
        resources: resourcesOf(options.resources, node),
      });
      const control = plane;
      return {
        exited: started.exited.then((exit) => control.exitError(nodeId, exit)),
        get running() {
          return started.running;
        },
        kill: () => {
          started.kill();
        },
      };
    },
    release: async () => {
      // A stop during the start must still close what the start opens.
      await starting.catch(() => undefined);
      await launcher.release?.();
      await plane?.close();
      releaseInterrupts();
    },
  });
  releaseInterrupts = handleInterrupts({
    stop: () => void lifecycle.stop(),
    kill: () => {
      supervisor.killAll();
    },
    stderr: options.stderr,
  });
  lifecycle.attach(supervisor);
  const start = async (): Promise<void> => {
    plane = await startControlPlane({
      program,
      wireArgs,
      entry,
      launchType: setup.launchType,
      workdir,
      lifecycle,
      book,
      secret,
      maxMessageBytes: options.maxMessageBytes,
      metrics: setup.metrics,
      tracing: options.tracing,
    });
    await launcher.prepare?.({ workdir, book });
    if (!lifecycle.stopping) supervisor.startAll(ids);
  };
  starting = start();
  starting.catch((error: unknown) => {
    lifecycle.fail(error instanceof Error ? error : new Error(String(error)));
  });
}
