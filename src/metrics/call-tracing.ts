/**
 * @module
 * The one interface through which the RPC layer traces its calls. Like the
 * `CallObserver` of metrics, the RPC code holds an optional {@link CallTracing}: when tracing
 * is off it is absent, a call costs one `undefined` check, and its CALL frame carries no
 * trace context. The OpenTelemetry side lives in `otel-call-tracing.ts`, which only
 * `load-call-tracing.ts` imports, on demand.
 */

/**
 * Trace context headers as the registered propagator writes them (W3C `traceparent` and
 * `tracestate`, and whatever else it propagates), carried in a CALL frame.
 */
export type TraceCarrier = Record<string, string>;

/** One traced call, either side: ended once when the call is over. */
export interface CallSpan {
  /**
   * The call is over: `code` is undefined when it succeeded, else the error code
   * (`DEADLINE_EXCEEDED`, `UNAVAILABLE`, …) with the error's message.
   */
  end(code?: string, message?: string): void;
}

/** The client span of an outgoing call. */
export interface ClientCallSpan extends CallSpan {
  /** What the CALL frame carries so the callee's span joins this trace; may be empty. */
  readonly carrier: TraceCarrier | undefined;
}

/** The server span of a handled call. */
export interface ServerCallSpan extends CallSpan {
  /** Runs `handler` with this span active, so the calls it makes are its children. */
  run<T>(handler: () => T): T;
}

/** Makes the spans of one node's calls (or of the launcher's). */
export interface CallTracing {
  /** Starts the span of a call from this node to `callee`'s `method`. */
  client(callee: string, method: string): ClientCallSpan;
  /**
   * Starts the span of a call to this node's `method`, child of the caller's span when
   * `carrier` holds its context; `caller` is the calling node's id when known.
   */
  server(method: string, carrier: unknown, caller: string | undefined): ServerCallSpan;
}
