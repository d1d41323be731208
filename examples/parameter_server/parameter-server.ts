/**
 * The parameter server: it owns the model's parameters and their version, applies the
 * workers' gradients by SGD, and serves versioned fetches. In `sync` mode a step waits
 * for one gradient from every worker and applies their mean; in `async` mode each
 * gradient is applied as it arrives, against whatever version its worker had read.
 */

/** How workers' gradients are combined. */
export type SgdMode = 'sync' | 'async';

/** What {@link ParameterServer.fetch} answers. */
export interface VersionedParameters {
  /** The version: the number of updates applied so far. */
  readonly version: number;
  /** The parameters, or `null` when the caller already holds this version. */
  readonly values: Float32Array | null;
  /** True once the step budget is spent; workers then stop. */
  readonly done: boolean;
}

/** What a push answers. */
export interface PushResult {
  /** The version after the push. */
  readonly version: number;
  /** True once the step budget is spent. */
  readonly done: boolean;
}

/** Options of {@link ParameterServer}. */
export interface ParameterServerOptions {
  /** The starting parameters. */
  readonly initial: Float32Array;
  /** `sync` or `async` SGD. */
  readonly mode: SgdMode;
  /** Workers taking part in each synchronous step. */
  readonly numWorkers: number;
  /** The SGD step size. */
  readonly learningRate: number;
  /** Updates to apply before training is done. */
  readonly steps: number;
}

interface Waiter {
  readonly version: number;
  readonly resolve: () => void;
}

/** The parameter server node's service. */
export class ParameterServer {
  private readonly params: Float32Array;
  private version = 0;
  // The synchronous step being gathered: each worker's gradient, and who waits on it.
  private readonly pending = new Map<number, Float32Array>();
  private stepDone: (() => void)[] = [];
  private waiters: Waiter[] = [];
  private firstPushAt: number | undefined;
  private lastUpdateAt: number | undefined;

  constructor(private readonly options: ParameterServerOptions) {
    const { mode, numWorkers, learningRate, steps, initial } = options;
    // Arguments arrive from the wire: check what the type cannot promise.
    if (!(['sync', 'async'] as unknown[]).includes(mode)) {
      throw new Error(
        `ParameterServer: options.mode must be 'sync' or 'async', got ${mode as string}`,
      );
    }
    for (const [name, value] of Object.entries({ numWorkers, steps })) {
      if (!Number.isInteger(value) || value < 1) {
        throw new Error(
          `ParameterServer: options.${name} must be a positive integer, got ${value}`,
        );
      }
    }
    if (!(learningRate > 0)) {
      throw new Error(
        `ParameterServer: options.learningRate must be positive, got ${learningRate}`,
      );
    }
    if (!(initial instanceof Float32Array)) {
      throw new Error('ParameterServer: options.initial must be a Float32Array');
    }
    this.params = Float32Array.from(initial);
  }

  /**
   * The parameters if they are newer than `knownVersion`, else only the version, so a
   * caller that is up to date gets a few bytes instead of the whole model.
   */
  fetch(knownVersion = -1): VersionedParameters {
    const values = this.version > knownVersion ? this.params : null;
    return { version: this.version, values, done: this.done() };
  }

  /**
   * Waits until the version reaches `version` or training is done, then answers as
   * {@link fetch} does for a caller holding nothing. The evaluator follows training so.
   */
  async waitForVersion(version: number): Promise<VersionedParameters> {
    if (this.version < version && !this.done()) {
      await new Promise<void>((resolve) => this.waiters.push({ version, resolve }));
    }
    return this.fetch();
  }

  /**
   * Asynchronous SGD: applies one worker's gradient, computed on version `baseVersion`,
   * at once. A gradient that is `s` updates stale is applied with the step divided by
   * `s + 1` (staleness-aware ASGD): N workers reading the same version then move the
   * parameters about as far as one synchronous step with the mean of their gradients,
   * instead of N times as far, which diverges at a learning rate that suits sync SGD.
   */
  pushAsync(gradient: Float32Array, baseVersion: number): PushResult {
    this.checkGradient(gradient, 'pushAsync');
    if (this.options.mode === 'sync') {
      throw new Error('ParameterServer.pushAsync: this server runs sync SGD');
    }
    if (!Number.isInteger(baseVersion) || baseVersion < 0 || baseVersion > this.version) {
      throw new Error(
        `ParameterServer.pushAsync: baseVersion must be an integer in [0, ${this.version}], got ${baseVersion}`,
      );
    }
    this.firstPushAt ??= performance.now();
    const staleness = this.version - baseVersion;
    if (!this.done()) this.apply(gradient, 1 / (1 + staleness));
    return { version: this.version, done: this.done() };
  }

  /**
   * Synchronous SGD: records worker `workerId`'s gradient for the current step and
   * resolves once every worker's has arrived and their mean is applied.
   */
  async pushSync(workerId: number, gradient: Float32Array): Promise<PushResult> {
    this.checkGradient(gradient, 'pushSync');
    const { mode, numWorkers } = this.options;
    if (mode !== 'sync') throw new Error(`ParameterServer.pushSync: this server runs ${mode} SGD`);
    if (!Number.isInteger(workerId) || workerId < 0 || workerId >= numWorkers) {
      throw new Error(
        `ParameterServer.pushSync: workerId must be an integer in [0, ${numWorkers}), got ${workerId}`,
      );
    }
    if (this.pending.has(workerId)) {
      throw new Error(`ParameterServer.pushSync: worker ${workerId} already pushed this step`);
    }
    this.firstPushAt ??= performance.now();
    if (this.done()) return { version: this.version, done: true };
    const stepDone = new Promise<void>((resolve) => this.stepDone.push(resolve));
    this.pending.set(workerId, gradient);
    if (this.pending.size === numWorkers) {
      for (const each of this.pending.values()) this.apply(each, 1 / numWorkers, false);
      this.pending.clear();
      this.finishUpdate();
      const resolvers = this.stepDone;
      this.stepDone = [];
      for (const resolve of resolvers) resolve();
    }
    await stepDone;
    return { version: this.version, done: this.done() };
  }

  /** Seconds from the first push to the last update: the training time proper. */
  trainingSeconds(): number {
    if (this.firstPushAt === undefined || this.lastUpdateAt === undefined) return 0;
    return (this.lastUpdateAt - this.firstPushAt) / 1000;
  }

  private done(): boolean {
    return this.version >= this.options.steps;
  }

  private apply(gradient: Float32Array, weight: number, finish = true): void {
    const rate = this.options.learningRate * weight;
    for (let i = 0; i < this.params.length; i++) {
      this.params[i] = (this.params[i] ?? 0) - rate * (gradient[i] ?? 0);
    }
    if (finish) this.finishUpdate();
  }

  private finishUpdate(): void {
    this.version++;
    this.lastUpdateAt = performance.now();
    const due = this.waiters.filter((w) => w.version <= this.version || this.done());
    this.waiters = this.waiters.filter((w) => !due.includes(w));
    for (const waiter of due) waiter.resolve();
  }

  private checkGradient(gradient: Float32Array, method: string): void {
    if (!(gradient instanceof Float32Array) || gradient.length !== this.params.length) {
      const got =
        gradient instanceof Float32Array ? `${gradient.length} numbers` : 'not a Float32Array';
      throw new Error(
        `ParameterServer.${method}: gradient must be a Float32Array of ${this.params.length} numbers, got ${got}`,
      );
    }
  }
}
