/**
 * @module
 * Per-method call statistics in plain numbers: what a {@link CallRecorder} updates on
 * every call, with a flag saying whether anything changed since the last report.
 */
import type { CallObserver, CallRecorder } from './call-observer.ts';
import { FixedHistogram } from './latency-histogram.ts';
import type { MethodSnapshot } from './report.ts';

/** The statistics of one method on one side. */
export class MethodStats implements CallRecorder {
  /** The method's name. */
  readonly method: string;
  #calls = 0;
  #inFlight = 0;
  #bytesReceived = 0;
  #bytesSent = 0;
  // Created at the first failure: most methods never fail.
  #errors: Record<string, number> | undefined;
  readonly #latency = new FixedHistogram();
  #changed = false;
  // Which side this is: a server receives the call's frame and sends the answer; a client
  // does the opposite.
  readonly #serverSide: boolean;

  /**
   * @param method - the method's name
   * @param serverSide - true for the serving side, false for a caller
   */
  constructor(method: string, serverSide: boolean) {
    this.method = method;
    this.#serverSide = serverSide;
  }

  /** {@link CallRecorder.started}. */
  started(bytes: number): number {
    this.#calls++;
    this.#inFlight++;
    if (this.#serverSide) this.#bytesReceived += bytes;
    else this.#bytesSent += bytes;
    this.#changed = true;
    return performance.now();
  }

  /** {@link CallRecorder.succeeded}. */
  succeeded(start: number, bytes: number): void {
    if (this.#serverSide) this.#bytesSent += bytes;
    else this.#bytesReceived += bytes;
    this.#ended(start);
  }

  /** {@link CallRecorder.failed}. */
  failed(start: number, code: string): void {
    const errors = (this.#errors ??= {});
    errors[code] = (errors[code] ?? 0) + 1;
    this.#ended(start);
  }

  #ended(start: number): void {
    this.#inFlight--;
    this.#latency.observe((performance.now() - start) / 1_000);
    this.#changed = true;
  }

  /** The current figures, or `undefined` when nothing changed since the last call. */
  takeChange(): MethodSnapshot | undefined {
    if (!this.#changed) return undefined;
    this.#changed = false;
    return this.snapshot();
  }

  /** The current figures. */
  snapshot(): MethodSnapshot {
    return {
      method: this.method,
      calls: this.#calls,
      inFlight: this.#inFlight,
      errors: { ...this.#errors },
      bytesReceived: this.#bytesReceived,
      bytesSent: this.#bytesSent,
      latency: this.#latency.snapshot(),
    };
  }
}

/** The methods of one side: a server, or a caller's calls to one callee. */
export class MethodTable implements CallObserver {
  readonly #methods = new Map<string, MethodStats>();
  readonly #serverSide: boolean;

  /** @param serverSide - true for a server's table, false for a caller's */
  constructor(serverSide: boolean) {
    this.#serverSide = serverSide;
  }

  /** {@link CallObserver.method}: the stats of `method`, made at its first call. */
  method(method: string): MethodStats {
    let stats = this.#methods.get(method);
    if (stats === undefined) {
      stats = new MethodStats(method, this.#serverSide);
      this.#methods.set(method, stats);
    }
    return stats;
  }

  /** The methods that changed since the last call, with their figures. */
  takeChanges(): MethodSnapshot[] {
    const changed: MethodSnapshot[] = [];
    for (const stats of this.#methods.values()) {
      const snapshot = stats.takeChange();
      if (snapshot !== undefined) changed.push(snapshot);
    }
    return changed;
  }
}
