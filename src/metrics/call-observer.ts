/**
 * @module
 * The one interface through which the RPC layer reports its calls. The RPC code holds an
 * optional {@link CallObserver}: when metrics are off it is absent and a call costs one
 * `undefined` check; when on, a call costs a map lookup and a few additions.
 */

/** Records the calls of one method. */
export interface CallRecorder {
  /**
   * A call started; `bytes` is the size of the frame that carried it (received by a
   * server, sent by a client). Returns the start time to hand back when it ends.
   */
  started(bytes: number): number;
  /** The call started at `start` succeeded; `bytes` is the size of its answer's frame. */
  succeeded(start: number, bytes: number): void;
  /** The call started at `start` failed with the error code `code`. */
  failed(start: number, code: string): void;
}

/** Gives the recorder of each method of one side (a server, or a client of one callee). */
export interface CallObserver {
  /** The recorder of `method`; the same object for every call of it. */
  method(method: string): CallRecorder;
}
