/**
 * @module
 * {@link Supervisor}: starts each node through its launcher, follows it to its end, applies
 * its restart policy, and on stop waits out the grace period before killing. Every local
 * launcher runs its nodes through one.
 */
import type { Writable } from 'node:stream';
import { LaunchpadError } from '../../errors/errors.ts';
import { settlesWithin, timerDelay } from '../../internal/within.ts';
import type { AddressBook } from './address-book.ts';
import type { Unit } from '../../spawn/unit.ts';
import type { ProgramLifecycle } from './program-lifecycle.ts';
import type { ResolvedRestartPolicy } from '../options/restart-policy.ts';
import { RestartHistory } from './restart-history.ts';

/**
 * What a supervisor reads of the launch's state and reports to it: the lifecycle, seen
 * through only this. The lifecycle never calls the supervisor; the session has its stop
 * run {@link Supervisor.shutdown}.
 */
export type SupervisedLifecycle = Pick<
  ProgramLifecycle,
  'stopping' | 'statuses' | 'nodeEnded' | 'nodeRestarting'
>;

/** What a supervisor needs from its launcher. */
export interface SupervisorOptions {
  /** The launch's state, which the supervisor reports each node's end and restart to. */
  readonly lifecycle: SupervisedLifecycle;
  /** The launch's addresses; a node that ends is removed from it. */
  readonly book: AddressBook;
  /** Each node's restart policy. */
  readonly policies: ReadonlyMap<string, ResolvedRestartPolicy>;
  /** Time between the stop signal and the kill. */
  readonly terminationGraceMs: number;
  /** Where supervision messages go. */
  readonly stderr: Writable;
  /** Starts (or restarts) one node. */
  start(nodeId: string): Unit<Error | undefined>;
  /** Releases the launcher's resources once every node has ended. */
  release(): Promise<void>;
  /**
   * True while nothing of the launch has started (a queued Slurm job, unscheduled Pods):
   * no node has a stop to honour, so a stop kills at once instead of waiting.
   */
  nothingStarted?(): boolean;
  /** Why node `nodeId` cannot be ended alone to restart it, or `undefined` when it can. */
  restartRefusal?(nodeId: string): string | undefined;
}

/** Runs and restarts a program's nodes. */
export class Supervisor {
  readonly #options: SupervisorOptions;
  readonly #units = new Map<string, Unit<Error | undefined>>();
  readonly #pendingRestarts = new Map<string, NodeJS.Timeout>();
  // Nodes killed to be restarted on request: their end is not a failure.
  readonly #restartRequested = new Set<string>();
  // Nodes the launcher killed (a stop's grace ran out, a second Ctrl-C): how they ended says
  // nothing of their code.
  readonly #killed = new Set<string>();
  readonly #histories = new Map<string, RestartHistory>();
  // When each node's current run began, to tell a healthy run from a short one.
  readonly #startedAt = new Map<string, number>();

  /** @param options - how to start nodes and what to report to */
  constructor(options: SupervisorOptions) {
    this.#options = options;
  }

  /** Starts every node. */
  startAll(nodeIds: Iterable<string>): void {
    for (const nodeId of nodeIds) this.#start(nodeId);
  }

  /** The units still running. */
  get running(): Unit<Error | undefined>[] {
    return [...this.#units.values()].filter((unit) => unit.running);
  }

  /** Kills every node at once. */
  killAll(): void {
    for (const [nodeId, unit] of this.#units) {
      if (!unit.running) continue;
      this.#killed.add(nodeId);
      unit.kill();
    }
  }

  /**
   * Ends the program's nodes: cancels pending restarts, waits up to the grace period for
   * nodes to end after their stop signal, kills the rest, then releases resources.
   */
  async shutdown(): Promise<void> {
    const { lifecycle, terminationGraceMs, stderr, book } = this.#options;
    book.close('the program is stopping');
    for (const [nodeId, timer] of this.#pendingRestarts) {
      clearTimeout(timer);
      lifecycle.nodeEnded(nodeId);
    }
    this.#pendingRestarts.clear();
    const allEnded = (): Promise<unknown> =>
      Promise.all([...this.#units.values()].map((unit) => unit.exited));
    if (this.#options.nothingStarted?.() === true) {
      this.killAll();
      await allEnded();
    } else if (!(await settlesWithin(allEnded(), terminationGraceMs))) {
      const left = [...this.#units].filter(([, unit]) => unit.running).map(([id]) => id);
      stderr.write(
        `launchpad-ts: killing nodes that did not stop within ${terminationGraceMs} ms: ${left.join(', ')}.\n`,
      );
      this.killAll();
      await allEnded();
    }
    await this.#options.release();
  }

  /**
   * Ends node `nodeId`'s run and starts it again at once, whatever its restart policy; a
   * restart already waiting for its backoff happens now. Counted as a restart.
   *
   * @throws LaunchpadError `FAILED_PRECONDITION` when the node is not running, or its
   * launch type cannot end it alone
   */
  restartNode(nodeId: string): void {
    const pending = this.#pendingRestarts.get(nodeId);
    if (pending !== undefined) {
      clearTimeout(pending);
      this.#pendingRestarts.delete(nodeId);
      this.#start(nodeId);
      return;
    }
    const unit = this.#units.get(nodeId);
    const refusal = this.#options.restartRefusal?.(nodeId);
    if (unit?.running !== true || this.#restartRequested.has(nodeId) || refusal !== undefined) {
      const state = this.#options.lifecycle.statuses.get(nodeId)?.state ?? 'not started';
      throw new LaunchpadError(
        'FAILED_PRECONDITION',
        `Cannot restart node ${nodeId}: ${refusal ?? `it is ${this.#restartRequested.has(nodeId) ? 'restarting' : state}, not running`}.`,
      );
    }
    this.#options.stderr.write(`launchpad-ts: restarting node ${nodeId}, as asked.\n`);
    this.#restartRequested.add(nodeId);
    unit.kill();
  }

  #start(nodeId: string): void {
    const unit = this.#options.start(nodeId);
    this.#units.set(nodeId, unit);
    this.#startedAt.set(nodeId, Date.now());
    void unit.exited.then((error) => {
      this.#ended(nodeId, error);
    });
  }

  #ended(nodeId: string, error: Error | undefined): void {
    const { lifecycle, book, policies, stderr } = this.#options;
    book.unregister(nodeId);
    if (this.#restartRequested.delete(nodeId) && !lifecycle.stopping) {
      lifecycle.nodeRestarting(nodeId);
      this.#start(nodeId);
      return;
    }
    const policy = policies.get(nodeId);
    if (lifecycle.stopping || policy === undefined) {
      lifecycle.nodeEnded(nodeId, error, { killed: this.#killed.has(nodeId) });
      return;
    }
    let history = this.#histories.get(nodeId);
    if (history === undefined) this.#histories.set(nodeId, (history = new RestartHistory(policy)));
    const now = Date.now();
    const decision = history.next(error !== undefined, this.#startedAt.get(nodeId) ?? now, now);
    if (decision === undefined) {
      lifecycle.nodeEnded(nodeId, error);
      return;
    }
    const delay = decision.delayMs;
    stderr.write(
      `launchpad-ts: node ${nodeId} ${error === undefined ? 'ended' : `failed (${error.message})`}; ` +
        `restarting it in ${delay} ms (restart ${decision.inWindow} of ${policy.maxRestarts} within ${windowText(policy.windowMs)}).\n`,
    );
    lifecycle.nodeRestarting(nodeId, error);
    this.#pendingRestarts.set(
      nodeId,
      setTimeout(() => {
        this.#pendingRestarts.delete(nodeId);
        this.#start(nodeId);
      }, timerDelay(delay)),
    );
  }
}

/** A window's length as people say it: `10 min`, `90 s`, `500 ms`. */
function windowText(ms: number): string {
  if (ms >= 60_000 && ms % 60_000 === 0) return `${ms / 60_000} min`;
  if (ms >= 1_000 && ms % 1_000 === 0) return `${ms / 1_000} s`;
  return `${ms} ms`;
}
