/**
 * @module
 * {@link ProgramLifecycle}: the launcher-side state machine of one launch (nodes up,
 * nodes ended, the first failure, the stop) shared by every launcher.
 */
import type { Writable } from 'node:stream';
import { styleText } from 'node:util';
import { LaunchpadError, RemoteError } from '../../errors/errors.ts';
import { deferred } from '../../internal/deferred.ts';
import { activePrograms, type ActiveProgram } from '../../node/node-context.ts';
import { StopScope } from '../../node/stop-scope.ts';

/** Where a node is in its life. */
export type NodeState = 'starting' | 'running' | 'restarting' | 'stopped' | 'failed';

/** A node's state and how often it was restarted. */
export interface NodeStatus {
  /** Where the node is in its life. */
  readonly state: NodeState;
  /** How many times it was restarted. */
  readonly restarts: number;
}

/** The life of one launched program, from launch to the end of its last node. */
export class ProgramLifecycle implements ActiveProgram {
  /** The program's stop state on the launcher's side. */
  readonly stopScope: StopScope;
  readonly #programName: string;
  readonly #nodeIds: ReadonlySet<string>;
  readonly #up = new Set<string>();
  readonly #statuses = new Map<string, NodeStatus>();
  readonly #ended = new Set<string>();
  // Why each node last ended, for the metrics and the dashboard.
  readonly #causes = new Map<string, string>();
  readonly #ready = deferred<undefined>();
  readonly #done = deferred<undefined>();
  #failure: LaunchpadError | undefined;
  #stopping: Promise<void> | undefined;
  // What ends the nodes on stop (the launch session's); none before they start.
  readonly #enders: (() => Promise<void>)[] = [];
  readonly #stderr: Writable;
  #watchers: ((nodeId: string, state: NodeState) => void)[] = [];

  /**
   * @param programName - for messages
   * @param nodeIds - every node of the program
   * @param stderr - where the launcher's own messages go (the launch's `stderr` option)
   */
  constructor(programName: string, nodeIds: readonly string[], stderr: Writable) {
    this.#programName = programName;
    this.#stderr = stderr;
    this.#nodeIds = new Set(nodeIds);
    this.stopScope = new StopScope(() => {
      this.#stopInBackground();
    });
    for (const id of nodeIds) this.#statuses.set(id, { state: 'starting', restarts: 0 });
    activePrograms().add(this);
    if (nodeIds.length === 0) this.#ready.resolve(undefined);
  }

  /** Resolves when every node is up; rejects if the program ends first. */
  get ready(): Promise<void> {
    return this.#ready.promise;
  }

  /** Resolves when the program has ended cleanly; rejects with the first node failure. */
  get done(): Promise<void> {
    return this.#done.promise;
  }

  /** True once a stop has begun. */
  get stopping(): boolean {
    return this.#stopping !== undefined;
  }

  /** Calls `watcher` whenever a node's state changes. */
  watchStates(watcher: (nodeId: string, state: NodeState) => void): void {
    this.#watchers.push(watcher);
  }

  /**
   * Has the stop run `end` (the launch session's: its supervisor ends every node still
   * running, then releases what the launch holds), and resolve once it has. The lifecycle
   * knows nothing else of what runs the nodes: they report to it, it calls none of them.
   *
   * @throws Error when the stop has begun already: what runs nodes starts before it
   */
  whenStopping(end: () => Promise<void>): void {
    if (this.stopping) throw new Error(`Program ${this.#programName} is stopping already.`);
    this.#enders.push(end);
  }

  /** Every node's state and restart count. A copy. */
  get statuses(): ReadonlyMap<string, NodeStatus> {
    return new Map(this.#statuses);
  }

  /** The message of the error `nodeId` last ended with, if it ever failed. */
  deathCauseOf(nodeId: string): string | undefined {
    return this.#causes.get(nodeId);
  }

  /** How many times `nodeId` was restarted. */
  restartsOf(nodeId: string): number {
    return this.#statuses.get(nodeId)?.restarts ?? 0;
  }

  /** Ends a launch that started nothing (a dry run): every node counts as ended cleanly. */
  endWithoutRunning(): void {
    for (const id of this.#nodeIds) this.nodeEnded(id);
    if (this.#nodeIds.size === 0) this.#stopInBackground();
  }

  /** A node came up. A node that registers after it ended (a late message) is ignored. */
  nodeUp(nodeId: string): void {
    if (this.#ended.has(nodeId)) return;
    this.#setState(nodeId, 'running');
    this.#up.add(nodeId);
    if (this.#up.size === this.#nodeIds.size) this.#ready.resolve(undefined);
  }

  /**
   * A node ended, with an error if it failed (`killed` when the launcher killed it). The
   * first failure before a stop stops the program and is its failure. Once the program is
   * stopping, ends caused by the stop (kills, cancelled or unavailable calls) are a clean
   * stop, and an exception of the node's own code marks the node failed; either is
   * reported on standard error (a kill was said as it was done) but is not the program's
   * failure: the stop was asked for, and the failure did not cause it.
   */
  nodeEnded(nodeId: string, error?: Error, how: { readonly killed?: boolean } = {}): void {
    if (this.#ended.has(nodeId)) return;
    this.#ended.add(nodeId);
    const stopping = this.#stopping !== undefined;
    const failed = error !== undefined && (!stopping || isOwnFailure(error));
    // A cancellation caused by the stop is no death cause: the dashboard shows it as a stop.
    if (error !== undefined && failed) this.#causes.set(nodeId, error.message);
    this.#setState(nodeId, failed ? 'failed' : 'stopped');
    if (failed && stopping) {
      this.#stderr.write(
        `${styleText('yellow', `launchpad-ts: node ${nodeId} of ${this.#programName} failed while the program was stopping (not a failure of the program): ${error.message}`)}\n`,
      );
    } else if (error !== undefined && stopping && how.killed !== true) {
      // The node's code let an error of the stop escape (a call cancelled by it): said, as
      // its own exception would be, so that the same code reads the same under every
      // launch type.
      this.#stderr.write(
        `launchpad-ts: node ${nodeId} of ${this.#programName} let an error of the stop escape (not a failure of the program): ${error.message}\n`,
      );
    } else if (failed && this.#failure === undefined) {
      this.#failure = new LaunchpadError(
        'NODE_FAILED',
        `Node ${nodeId} failed: ${describe(error)}`,
        {
          cause: error,
        },
      );
      // The message already holds the node's own stack; the launcher's frames add nothing.
      this.#failure.stack = `${this.#failure.name}: ${this.#failure.message}`;
      this.#stderr.write(
        `${styleText('red', `launchpad-ts: node ${nodeId} of ${this.#programName} failed; stopping the program.`)}\n`,
      );
      this.#stopInBackground();
    }
    if (this.#ended.size === this.#nodeIds.size) this.#stopInBackground();
  }

  #stopInBackground(): void {
    this.stop().catch((error: unknown) => {
      this.#stderr.write(`launchpad-ts: stopping ${this.#programName} failed: ${String(error)}\n`);
    });
  }

  /** A node ended (with `error` if it failed) and will be started again after a delay. */
  nodeRestarting(nodeId: string, error?: Error): void {
    if (error !== undefined) this.#causes.set(nodeId, error.message);
    this.#statuses.set(nodeId, { state: 'restarting', restarts: this.restartsOf(nodeId) + 1 });
    for (const watcher of this.#watchers) watcher(nodeId, 'restarting');
  }

  #setState(nodeId: string, state: NodeState): void {
    const before = this.#statuses.get(nodeId)?.state;
    this.#statuses.set(nodeId, { state, restarts: this.restartsOf(nodeId) });
    if (before !== state) for (const watcher of this.#watchers) watcher(nodeId, state);
  }

  /** Fails the launch itself (not a node): for errors found while starting. */
  fail(error: Error): void {
    if (this.#failure === undefined && this.#stopping === undefined) {
      this.#failure =
        error instanceof LaunchpadError
          ? error
          : new LaunchpadError('INTERNAL', error.message, { cause: error });
      // Said at once, first: a script may await something else than wait() (a call
      // that the stop then cancels) and never see this error otherwise.
      this.#stderr.write(
        `${styleText('red', `launchpad-ts: could not launch ${this.#programName}: ${error.message}`)}\n`,
      );
    }
    this.#stopInBackground();
  }

  /**
   * Stops the program as someone outside it asked (`launchpad-ts stop`, the dashboard),
   * saying so in one line on standard error unless it is stopping already.
   *
   * @param who - who asked, as the line says it: `launchpad-ts stop asked for it`
   */
  stopAsked(who: string): Promise<void> {
    if (this.#stopping === undefined) {
      this.#stderr.write(`launchpad-ts: stopping ${this.#programName}: ${who}.\n`);
    }
    return this.stop();
  }

  /** Stops the program (once); resolves when every node has ended. */
  stop(): Promise<void> {
    this.#stopping ??= this.#shutdown();
    return this.#stopping;
  }

  async #shutdown(): Promise<void> {
    this.stopScope.fire();
    try {
      await Promise.all(this.#enders.map((end) => end()));
    } finally {
      activePrograms().delete(this);
      const failure = this.#failure;
      this.#ready.reject(
        failure ??
          new LaunchpadError(
            'UNAVAILABLE',
            `Program ${this.#programName} stopped before every node was up.`,
          ),
      );
      if (failure === undefined) this.#done.resolve(undefined);
      else this.#done.reject(failure);
    }
  }
}

function describe(error: Error): string {
  const remoteStack = (error as { remoteStack?: unknown }).remoteStack;
  const stack = typeof remoteStack === 'string' ? remoteStack : error.stack;
  return stack ?? `${error.name}: ${error.message}`;
}

/** True for an exception of the node's own code, false for an end caused by a stop. */
function isOwnFailure(error: Error): boolean {
  if (error.name === 'AbortError') return false;
  if (error instanceof RemoteError) return error.code === 'UNKNOWN';
  return !(error instanceof LaunchpadError);
}
