/**
 * @module
 * {@link runNodes}: the one sequence every launch type runs its nodes through, and
 * {@link SessionBackend}, what a launch type provides for it. It starts the control plane
 * (in memory when every node runs in the launcher), lets the backend prepare (open a tmux
 * server, submit a Slurm job, create Kubernetes objects), starts every node through a
 * {@link Supervisor} (which applies restart policies), keeps each node's current run and
 * how it ends, reads a node's exit report, prints forwarded output, answers signals, and
 * releases everything at the end. A backend only says how to start one unit, how to kill
 * it, and what its engine tells of how it ended.
 */
import { writeFileSync } from 'node:fs';
import type { Writable } from 'node:stream';
import type { Node } from '../../model/node.ts';
import { unitEndingWith, type Unit, type UnitEnd, type UnitLaunch } from '../../spawn/unit.ts';
import { resourcesOf } from '../options/per-node-options.ts';
import type { AddressBook } from './address-book.ts';
import {
  inMemoryControlPlane,
  startControlPlane,
  type ControlPlane,
  type ControlPlaneOptions,
} from './control-plane.ts';
import { handleInterrupts } from './interrupts.ts';
import type { LaunchSetup } from './launch-setup.ts';
import { Supervisor } from './supervisor.ts';
import { isPythonNode } from '../../model/python-node.ts';
import { startLocalPythonUnit } from './python-units.ts';
import { NodeRuns, type NodeRun } from './node-runs.ts';
import type { ControlListener } from './control-service.ts';
import { nodePrefix } from '../../spawn/output-prefixer.ts';
import { thrownAsError } from '../../errors/thrown.ts';
import { markLaunchPhase } from './launch-phases.ts';
import { unixSocketsAllowed } from '../../rpc/local-route.ts';

/** What one node needs to start, with the node itself. */
export interface UnitStart extends UnitLaunch {
  /** The node. */
  readonly node: Node;
  /** 0 for the node's first start, n for its n-th restart. */
  readonly restart: number;
  /**
   * This run, to bind to what the backend starts for it (a job step, a Pod): a backend
   * that hears of a run's end from afar ends it (`run.end`) and returns a unit ending with
   * it (`run.ended`). News of an old run, told to its own `NodeRun`, never ends this one.
   */
  readonly run: NodeRun;
}

/** What a backend has once the control plane is up. */
export interface SessionContext {
  /** The launch's working directory. */
  readonly workdir: string;
  /** The launch's addresses. */
  readonly book: AddressBook;
  /** The control plane (in memory when every node runs in the launcher). */
  readonly plane: ControlPlane;
  /** Where the launcher's own messages go. */
  readonly stderr: Writable;
  /** Says `line` on the launcher's standard error, as the launcher's own. */
  say(line: string): void;
  /**
   * Node `nodeId`'s current run (its unit's `UnitStart.run`), for news that names only
   * the node (its exit report): hold on to it to end this run only. An end heard twice
   * counts once, and an end heard before its unit starts waits for it.
   */
  run(nodeId: string): NodeRun;
  /**
   * Tells the session that the cluster runs `nodeId` (its Pod is Running), which may be
   * before the node registers.
   */
  running(nodeId: string): void;
}

/** The control plane settings a backend may choose. */
export type BackendControlPlane = Pick<
  ControlPlaneOptions,
  | 'host'
  | 'advertiseHost'
  | 'nodeBindHost'
  | 'nodeAdvertiseHosts'
  | 'nodeListen'
  | 'ports'
  | 'unreachableHint'
  | 'forwardOutput'
  | 'reportExit'
  | 'listener'
  | 'unixSockets'
>;

/** What a cluster backend would submit (a batch script, manifests), for a dry run. */
export interface Submission {
  /** The text of it. */
  render(): string;
  /**
   * The file it is written to instead of standard output. Set, it is written even without
   * a dry run, and nothing runs.
   */
  readonly renderTo?: string | undefined;
}

/** What a launch type provides: how to start, kill and follow its units. */
export interface SessionBackend {
  /**
   * Control plane settings (or how to find them, when that needs asking the cluster), or
   * `false` for nodes that run in the launcher itself.
   */
  readonly controlPlane?: BackendControlPlane | (() => Promise<BackendControlPlane>) | false;
  /**
   * Nodes may start while their TypeScript code compiles: they run on this host, and a
   * node's spec, which names its compiled module, is answered once the compile ends. A
   * compile that fails fails the launch and kills the nodes. Unset, the code is compiled
   * before the backend prepares (a cluster job must not be submitted for code that does not
   * compile).
   */
  readonly startsBeforeCompile?: boolean;
  /** Print each node's state changes (cluster backends, whose nodes are out of sight). */
  readonly announceStates?: boolean;
  /** What a dry run (`dryRun`, `--lp_dry_run`) shows instead of running the launch. */
  readonly submission?: Submission;
  /**
   * What a colocation runs as (`Slurm task`, `Pod`), for a backend that runs it as one
   * unit: a colocated node then cannot be ended alone to restart it.
   */
  readonly colocationUnit?: string;
  /** Runs once the control plane is up, before any node starts. */
  prepare?(context: SessionContext): Promise<void>;
  /** Starts one node (its first start, or a restart). */
  start(unit: UnitStart): Unit<UnitEnd>;
  /** True while the cluster has started nothing of the launch (see the Supervisor's). */
  nothingStarted?(): boolean;
  /**
   * Why node `nodeId` cannot be ended alone to restart it on request (it runs in the
   * launcher, or shares its unit with other nodes), or `undefined` when it can.
   */
  restartRefusal?(nodeId: string): string | undefined;
  /** Ends every unit at once (a second Ctrl-C, the launcher's exit). */
  killAll?(): void;
  /**
   * Starts a Python node (`lp.PythonNode`) where the backend runs nodes (a cluster). A
   * backend without it runs nodes on this host: the session starts a Python node as a
   * local process. A cluster backend must have it: without it, each Python node would run
   * twice, in the cluster (its task or Pod) and as a process of the launcher.
   */
  startPython?(unit: UnitStart): Unit<UnitEnd>;
  /** Runs once every node has ended. */
  release?(): Promise<void>;
}

/** What the session that runs the nodes answers: restarts on request. */
export interface NodeRestarts {
  /** Ends node `nodeId`'s run and starts it again at once (see `Supervisor.restartNode`). */
  restartNode(nodeId: string): void;
}

/**
 * Runs the nodes of a prepared launch through `backend`, from the control plane to the
 * release (a dry run shows what the backend would submit instead, and runs nothing).
 *
 * @param afterPlane - called once the control plane is up (the nodes' code located, and
 * compiled unless the backend {@link SessionBackend.startsBeforeCompile}), before the
 * backend prepares and the nodes start; or once the start has failed, or at once for a
 * dry run
 * @returns what restarts its nodes on request; `undefined` for a dry run
 */
export function runNodes(
  setup: LaunchSetup,
  backend: SessionBackend,
  afterPlane: () => void = () => undefined,
): NodeRestarts | undefined {
  const { program, options, ids, lifecycle, book } = setup;
  const { submission } = backend;
  if (submission !== undefined && (options.dryRun || submission.renderTo !== undefined)) {
    const text = submission.render();
    if (submission.renderTo === undefined) options.stdout.write(text);
    else writeFileSync(submission.renderTo, text);
    lifecycle.endWithoutRunning();
    afterPlane();
    return undefined;
  }
  const say = (line: string): void => {
    options.stderr.write(`launchpad-ts: ${line}\n`);
  };
  const runs = new NodeRuns(ids);
  // Set once the control plane is up, before any node starts.
  let plane: ControlPlane | undefined;
  let releaseInterrupts = (): void => undefined;
  let starting: Promise<void> = Promise.resolve();
  // Each state is said once per run, whether the cluster or the node said it first.
  const announced = new Map<string, string>();
  const announce = (nodeId: string, state: string): void => {
    if (backend.announceStates !== true || announced.get(nodeId) === state) return;
    announced.set(nodeId, state);
    say(`${nodeId}: ${state === 'stopped' ? 'done' : state}`);
  };
  lifecycle.watchStates(announce);
  const startUnit = (nodeId: string): Unit<Error | undefined> => {
    const index = ids.indexOf(nodeId);
    const node = program.nodes[index];
    if (node === undefined || plane === undefined) throw new Error(`Cannot start ${nodeId} yet.`);
    const restart = lifecycle.restartsOf(nodeId);
    // Each run has its own end: news of the run before is not this run's.
    const run = restart > 0 ? runs.restart(nodeId) : runs.current(nodeId);
    const launch: UnitStart = {
      node,
      nodeId,
      index,
      restart,
      run,
      bootstrap: plane.bootstrap(nodeId),
      // A node may import the main script (its launcher code in lp.main()): same flags.
      args: setup.args,
      resources: resourcesOf(options.resources, node),
    };
    markLaunchPhase('node-starting', nodeId);
    const unit = !isPythonNode(node)
      ? backend.start(launch)
      : (backend.startPython?.(launch) ?? startLocalPythonUnit(launch, options, setup.workdir));
    markLaunchPhase('node-started', nodeId);
    const control = plane;
    // A process's exit status is read against the node's own failure report, here only.
    return unitEndingWith(
      unit.exited.then((end) => ('error' in end ? end.error : control.exitError(nodeId, end))),
      () => {
        unit.kill();
      },
      () => unit.running,
    );
  };
  // Output nodes forward (from cluster hosts) is printed as local nodes' is, prefixed.
  const prefixes = new Map(ids.map((id, index) => [id, nodePrefix(id, index, options.stdout)]));
  const printingOutput = (listener: ControlListener = {}): ControlListener => ({
    ...listener,
    output: (nodeId, stream, lines) => {
      listener.output?.(nodeId, stream, lines);
      const target = stream === 'stderr' ? options.stderr : options.stdout;
      const prefix = prefixes.get(nodeId) ?? `[${nodeId}]`;
      for (const line of lines) target.write(`${prefix} ${line}\n`);
    },
  });
  const killAll = (): void => {
    supervisor.killAll();
    backend.killAll?.();
  };
  const supervisor = new Supervisor({
    lifecycle,
    book,
    policies: setup.policies,
    terminationGraceMs: options.terminationGraceMs,
    stderr: options.stderr,
    start: startUnit,
    nothingStarted: () => backend.nothingStarted?.() === true,
    restartRefusal: (nodeId) =>
      backend.colocationUnit !== undefined &&
      program.colocations.some(({ nodeIds }) => nodeIds.includes(nodeId))
        ? `it shares its ${backend.colocationUnit} with the other nodes of its colocation`
        : backend.restartRefusal?.(nodeId),
    release: async () => {
      // A stop during the start must still close what the start opens.
      await starting.catch(() => undefined);
      await backend.release?.();
      await plane?.close();
      releaseInterrupts();
    },
  });
  releaseInterrupts = handleInterrupts({
    stop: () => void lifecycle.stop(),
    kill: killAll,
    nodesInLauncher: backend.controlPlane === false,
    stderr: options.stderr,
  });
  // The one link from the lifecycle to the nodes: its stop ends them.
  lifecycle.whenStopping(() => supervisor.shutdown());
  const start = async (): Promise<void> => {
    // A Python node is a process even when the backend runs nodes in the launcher
    // (in-process): it needs the control plane to fetch its spec and find its peers.
    if (backend.controlPlane !== false || program.nodes.some(isPythonNode)) {
      const settings =
        typeof backend.controlPlane === 'function'
          ? await backend.controlPlane()
          : backend.controlPlane === false
            ? {}
            : backend.controlPlane;
      plane = await startControlPlane({
        program,
        wireArgs: setup.wireArgs,
        entry: setup.entry,
        launchType: setup.launchType,
        workdir: setup.workdir,
        lifecycle,
        book,
        secret: setup.secret,
        maxMessageBytes: options.maxMessageBytes,
        metrics: setup.metrics,
        diagnostics: setup.diagnostics,
        tracing: options.tracing,
        ...settings,
        unixSockets: settings?.unixSockets === true && unixSocketsAllowed(),
        warn: say,
        listener: printingOutput(settings?.listener),
      });
    } else {
      plane = inMemoryControlPlane(setup.secret);
    }
    const control = plane;
    if (backend.startsBeforeCompile !== true) await control.compileCode();
    afterPlane();
    // A stop may come while the plane starts or the backend prepares.
    const stopped = (): boolean => lifecycle.stopping;
    if (stopped()) return;
    await backend.prepare?.({
      workdir: setup.workdir,
      book,
      plane,
      stderr: options.stderr,
      say,
      run: (nodeId) => runs.current(nodeId),
      running: (nodeId) => {
        announce(nodeId, 'running');
      },
    });
    if (stopped()) return;
    supervisor.startAll(ids);
    // The nodes boot (load Node.js and the library) while their code compiles.
    if (backend.startsBeforeCompile === true) {
      control.compileCode().catch((error: unknown) => {
        lifecycle.fail(thrownAsError(error));
        killAll();
      });
    }
  };
  starting = start();
  starting.catch((error: unknown) => {
    lifecycle.fail(thrownAsError(error));
    afterPlane();
  });
  return supervisor;
}
