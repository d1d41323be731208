/**
 * @module
 * {@link RunningProgram}: what `launch()` returns.
 */
import { LaunchpadError } from '../../errors/errors.ts';
import { handleOwner, type Handle } from '../../model/handle.ts';
import type { CallOptions } from '../../rpc/call-options.ts';
import type { Client } from '../../rpc/client-type.ts';
import { PeerPool } from '../../rpc/peer-pool.ts';
import type { CallTracing } from '../../metrics/call-tracing.ts';
import { RpcClient } from '../../rpc/rpc-client.ts';
import { createClient } from '../../rpc/typed-client.ts';
import type { AddressResolver } from '../../rpc/resolver.ts';
import type { LaunchType } from '../options/launch-types.ts';
import type { NodeStatus, ProgramLifecycle } from './program-lifecycle.ts';
import { stoppedByTimeLimit } from './time-limit.ts';
import type { MetricsStore, ProgramMetrics } from '../metrics/metrics-store.ts';
import { NodeMetrics } from '../../metrics/node-metrics.ts';
import type { NodeMetricsReport } from '../../metrics/report.ts';
import { startMetricsReporting } from '../../node/metrics-reporter.ts';
import type { DiagnosticsBook } from './node-diagnostics.ts';
import { cpuProfile, stackDump, type DiagnosedLaunch } from './diagnose-node.ts';
import type { CpuProfile } from '../../protocol/diagnostics.ts';

/** What a launcher hands to the {@link RunningProgram} it creates. @internal */
export interface RunningProgramInit {
  /** The program's name. */
  readonly programName: string;
  /** The launch type in use. */
  readonly launchType: LaunchType;
  /** The launch's working directory. */
  readonly workdir: string;
  /** The launch's state. */
  readonly lifecycle: ProgramLifecycle;
  /**
   * Ends node `nodeId`'s run and starts it again at once, through what runs the nodes
   * (see {@link RunningProgram.restartNode}).
   */
  restartNode(nodeId: string): void;
  /** The program launched, so that handles of other programs are refused. */
  readonly program: object;
  /** How launcher-side clients reach nodes. */
  readonly rpc: {
    readonly secret: string;
    readonly resolver: AddressResolver;
    readonly maxMessageBytes: number;
  };
  /** Every node's metrics; undefined when metrics are off. */
  readonly metrics?: MetricsStore | undefined;
  /** The URL `/metrics` is served at, once it is; undefined when not served. */
  readonly metricsUrl?: Promise<string> | undefined;
  /** How to reach each running node's stack and CPU profile. */
  readonly diagnostics?: DiagnosticsBook | undefined;
  /** Traces the launcher's own calls (as node `launcher`); undefined when tracing is off. */
  readonly tracing?: CallTracing | undefined;
  /** The dashboard page's URL (with its token), once the launch API listens. */
  readonly dashboardUrl?: Promise<string> | undefined;
}

/**
 * A launched program.
 *
 * @example
 * ```ts
 * await using running = lp.launch(program, { launchType: 'in-process' });
 * await running.ready;
 * const learner = running.client(learnerHandle);
 * await learner.step();
 * ```
 */
export class RunningProgram implements AsyncDisposable {
  /** The program's name. */
  readonly programName: string;
  /** The launch type the program runs under. */
  readonly launchType: LaunchType;
  /** The launch's working directory. */
  readonly workdir: string;
  /** Resolves when every node is up; rejects if the program ends first. */
  readonly ready: Promise<void>;
  readonly #lifecycle: ProgramLifecycle;
  readonly #restartNode: (nodeId: string) => void;
  readonly #pool: PeerPool;
  readonly #program: object;
  readonly #metrics: MetricsStore | undefined;
  // The launcher's own calls to nodes (through client()), reported as node `launcher`.
  readonly #ownMetrics: NodeMetrics | undefined;
  readonly #metricsUrl: Promise<string> | undefined;
  readonly #diagnosed: DiagnosedLaunch;
  readonly #dashboardUrl: Promise<string> | undefined;

  /** Made by launchers, never by users. @internal @param init - the launch's state */
  constructor(init: RunningProgramInit) {
    this.programName = init.programName;
    this.launchType = init.launchType;
    this.workdir = init.workdir;
    this.#lifecycle = init.lifecycle;
    this.#restartNode = (nodeId) => {
      init.restartNode(nodeId);
    };
    this.#program = init.program;
    this.ready = init.lifecycle.ready;
    this.#metrics = init.metrics;
    this.#metricsUrl = init.metricsUrl;
    this.#diagnosed = {
      programName: init.programName,
      launchType: init.launchType,
      statuses: () => init.lifecycle.statuses,
      book: init.diagnostics,
      stopping: () => init.lifecycle.stopping,
    };
    this.#dashboardUrl = init.dashboardUrl;
    const store = init.metrics;
    const own = store === undefined ? undefined : new NodeMetrics('launcher');
    this.#ownMetrics = own;
    this.#pool = new PeerPool({
      ...init.rpc,
      callerId: 'launcher',
      // Calls in flight when the program stops are cancelled, never left unhandled.
      stopping: () => init.lifecycle.stopping,
      ...(own === undefined ? {} : { observe: (callee: string) => own.callee(callee) }),
      ...(init.tracing === undefined ? {} : { tracing: init.tracing }),
    });
    const reporting =
      own === undefined || store === undefined
        ? undefined
        : startMetricsReporting(own, {
            intervalMs: store.intervalMs,
            send: (report) => {
              store.apply(report);
              return Promise.resolve();
            },
          });
    // Clients made here must not keep the launcher's process alive once the program ends.
    void init.lifecycle.done
      .catch(() => undefined)
      .finally(() => {
        this.#pool.close();
        void reporting?.stop();
      });
  }

  /**
   * Every node's metrics as the launcher knows them now: state, restarts, death cause,
   * process figures, calls per method on both sides, and user metrics (see
   * docs/observability.md). Nodes report once a second, so a call shows here within
   * about a second; the launcher's own calls (through {@link RunningProgram.client})
   * show at once, as node `launcher`.
   *
   * @throws LaunchpadError `FAILED_PRECONDITION` when the launch has metrics off
   */
  metrics(): ProgramMetrics {
    const store = this.#metrics;
    if (store === undefined) {
      throw new LaunchpadError(
        'FAILED_PRECONDITION',
        `running.metrics(): program ${this.programName} was launched with metrics off (metrics: false or LP_METRICS=0).`,
      );
    }
    if (this.#ownMetrics !== undefined) store.merge(this.#ownMetrics.report());
    const lifecycle = this.#lifecycle;
    return store.snapshot((nodeId) => {
      const status = lifecycle.statuses.get(nodeId);
      const deathCause = lifecycle.deathCauseOf(nodeId);
      return {
        state: status?.state ?? (lifecycle.stopping ? 'stopped' : 'running'),
        restarts: status?.restarts ?? 0,
        ...(deathCause === undefined ? {} : { deathCause }),
      };
    });
  }

  /**
   * Calls `listener` with each metrics report as the launcher receives it (about once a
   * second per node); returns the function that unsubscribes it. What changed is in
   * the report; {@link RunningProgram.metrics} gives the whole picture.
   *
   * @throws LaunchpadError `FAILED_PRECONDITION` when the launch has metrics off
   */
  onMetrics(listener: (report: NodeMetricsReport) => void): () => void {
    if (this.#metrics === undefined) {
      throw new LaunchpadError(
        'FAILED_PRECONDITION',
        `running.onMetrics(): program ${this.programName} was launched with metrics off.`,
      );
    }
    return this.#metrics.subscribe(listener);
  }

  /**
   * The URL of the `/metrics` endpoint, once it listens (`metricsPort` or
   * `--lp_metrics_port`).
   *
   * @throws LaunchpadError `FAILED_PRECONDITION` (rejected) when metrics are not served
   */
  metricsUrl(): Promise<string> {
    return (
      this.#metricsUrl ??
      Promise.reject(
        new LaunchpadError(
          'FAILED_PRECONDITION',
          `running.metricsUrl(): program ${this.programName} does not serve /metrics; launch it with metricsPort (or --lp_metrics_port).`,
        ),
      )
    );
  }

  /**
   * The URL of the launch's live dashboard, with its per-launch token, once the launch
   * API listens on 127.0.0.1 (every launch serves it; the `dashboard` option or
   * `--lp_dashboard` also prints it). The same token opens the API routes of
   * docs/observability.md.
   *
   * @throws LaunchpadError `FAILED_PRECONDITION` (rejected) when the API could not start
   */
  dashboardUrl(): Promise<string> {
    return (
      this.#dashboardUrl ??
      Promise.reject(
        new LaunchpadError(
          'FAILED_PRECONDITION',
          `running.dashboardUrl(): program ${this.programName} serves no dashboard.`,
        ),
      )
    );
  }

  /**
   * Resolves when the program has stopped: every node ended, or `stop()` finished.
   * Rejects with a `NODE_FAILED` error naming the first node that failed.
   */
  wait(): Promise<void> {
    return this.#lifecycle.done;
  }

  /**
   * Stops the program: every node's stop signal fires; nodes still running after the
   * grace period are killed. Resolves when all have ended (a failure is reported by
   * {@link RunningProgram.wait}, not here).
   */
  stop(): Promise<void> {
    return this.#lifecycle.stop();
  }

  /**
   * Each node's state (`starting`, `running`, `restarting`, `stopped`, `failed`) and how
   * many times it was restarted, by node id.
   */
  nodes(): ReadonlyMap<string, NodeStatus> {
    return this.#lifecycle.statuses;
  }

  /**
   * Ends node `nodeId`'s current run and starts it again at once, whatever its restart
   * policy (for a node that is stuck, or to pick up new data); counted in its restarts.
   *
   * @throws LaunchpadError `INVALID_ARGUMENT` for an unknown node id (the message lists the
   * node ids); `FAILED_PRECONDITION` when the node is not running, the program is stopping,
   * or the launch type cannot end the node alone (`in-process`; a colocated node on Slurm or
   * Kubernetes; on Slurm, a node still in the job's first step)
   */
  restartNode(nodeId: string): void {
    const known = [...this.#lifecycle.statuses.keys()];
    if (!known.includes(nodeId)) {
      throw new LaunchpadError(
        'INVALID_ARGUMENT',
        `restartNode(${JSON.stringify(nodeId)}): program ${this.programName} has no such node; its nodes are ${known.join(', ')}.`,
      );
    }
    this.#restartNode(nodeId);
  }

  /** True once the program has started to stop. */
  get stopping(): boolean {
    return this.#lifecycle.stopping;
  }

  /** True when the launch's time limit (`timeLimitMs`, `--lp_time_limit`) stopped the program. */
  get stoppedByTimeLimit(): boolean {
    return stoppedByTimeLimit(this);
  }

  /** A typed client of the node behind `handle`, usable from the launcher's code. */
  client<TService>(handle: Handle<TService>, options?: CallOptions): Client<TService> {
    if (handleOwner(handle) !== this.#program) {
      throw new LaunchpadError(
        'INVALID_ARGUMENT',
        `client(${handle.nodeId}): the handle belongs to another program than ${this.programName}; use the RunningProgram of its own program.`,
      );
    }
    const defaults = { ...handle.options, ...options };
    return createClient<TService>(new RpcClient(this.#pool.peer(handle.nodeId), defaults));
  }

  /**
   * The current JavaScript stack of node `nodeId`, as text: a line naming the node and
   * the thread, then one frame per line, innermost first: the function's name (or
   * `<anonymous>`) and `url:line:column` (1-based). It works while the node's event loop
   * is blocked (a busy loop): V8 interrupts the thread, through the inspector, with no
   * ptrace. A node waiting in its event loop shows as idle. Under `in-process` the nodes
   * share the launcher's thread, so the stack shown is that of this call's caller.
   * See docs/observability.md, "Stack dumps and CPU profiles".
   *
   * @throws LaunchpadError (rejected) `INVALID_ARGUMENT` naming the node and the known
   * ids for an unknown id, `FAILED_PRECONDITION` with its state for a node not running,
   * `DEADLINE_EXCEEDED` when it gives no answer within 10 s
   */
  stackDump(nodeId: string): Promise<string> {
    return stackDump(this.#diagnosed, nodeId);
  }

  /**
   * A V8 CPU profile of node `nodeId` over `options.durationMs` (1 s by default, at most
   * 60 s): the `.cpuprofile` object that Chrome DevTools and speedscope open (save it as
   * JSON). It works while the node's event loop is blocked. Under `in-process` it is the
   * launcher's thread, which every in-process node shares.
   *
   * @throws LaunchpadError (rejected) as {@link RunningProgram.stackDump}, and
   * `INVALID_ARGUMENT` for a duration that is not a whole number of ms from 1 to 60000
   */
  async cpuProfile(nodeId: string, options?: { durationMs?: number }): Promise<CpuProfile> {
    return cpuProfile(this.#diagnosed, nodeId, options);
  }

  /** Stops the program; for `await using`. */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.stop();
  }
}
