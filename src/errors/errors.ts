/**
 * @module
 * The one error model of launchpad-ts: every failure is a {@link LaunchpadError} with a
 * closed {@link ErrorCode}, and an exception thrown inside a remote node arrives as a
 * {@link RemoteError} that keeps the remote name, message, stack and node id.
 */

/**
 * Why an operation failed. Modelled on the gRPC status codes, so that a reader who knows
 * gRPC knows what each one means.
 */
export type ErrorCode =
  /** A value given by the caller is wrong; the message says which and how to fix it. */
  | 'INVALID_ARGUMENT'
  /** The operation is not allowed in the current state (for example `stop()` outside a node). */
  | 'FAILED_PRECONDITION'
  /** The callee is not reachable: it never came up, it stopped, or its connection dropped. */
  | 'UNAVAILABLE'
  /** The call's deadline passed before an answer arrived. */
  | 'DEADLINE_EXCEEDED'
  /** The caller aborted the call. */
  | 'CANCELLED'
  /** The callee has no method of that name. */
  | 'UNIMPLEMENTED'
  /** A connection did not present the launch's secret. */
  | 'UNAUTHENTICATED'
  /** A message exceeded the configured maximum size. */
  | 'RESOURCE_EXHAUSTED'
  /** User code in a node threw; see {@link RemoteError}. */
  | 'UNKNOWN'
  /** A node of the program failed, which stopped the program. */
  | 'NODE_FAILED'
  /** A bug in launchpad-ts or a broken invariant. */
  | 'INTERNAL';

/** Every error raised by launchpad-ts itself. */
export class LaunchpadError extends Error {
  /** Why the operation failed. */
  readonly code: ErrorCode;

  /**
   * @param code - why the operation failed
   * @param message - what went wrong and, where possible, how to fix it
   * @param options - the standard `cause`
   */
  constructor(code: ErrorCode, message: string, options?: ErrorOptions) {
    super(message, options);
    this.code = code;
    this.name = 'LaunchpadError';
  }

  /** Turns anything thrown into an `Error`, keeping `Error`s as they are. */
  static from(thrown: unknown): Error {
    if (thrown instanceof Error) return thrown;
    return new LaunchpadError('UNKNOWN', `A non-Error value was thrown: ${describeThrown(thrown)}`);
  }
}

/** True when `value` is a {@link LaunchpadError}, optionally with the given code. */
export function isLaunchpadError(value: unknown, code?: ErrorCode): value is LaunchpadError {
  return value instanceof LaunchpadError && (code === undefined || value.code === code);
}

/** The parts of a remote error that travel over the wire. */
export interface RemoteErrorInfo {
  /** The remote error's class name, e.g. `TypeError`. */
  readonly name: string;
  /** The remote error's message. */
  readonly message: string;
  /** The remote stack trace, as the remote runtime printed it. */
  readonly stack: string;
  /** The id of the node where the error was thrown, e.g. `learner/0`. */
  readonly nodeId: string;
  /** The error code, `UNKNOWN` for errors thrown by user code. */
  readonly code: ErrorCode;
  /**
   * The nodes that passed the error on after `nodeId` threw it, nearest first: a node
   * whose method let a failed call's error escape adds itself. Absent when none did.
   */
  readonly via?: readonly string[];
}

/**
 * An exception thrown by user code in another node, rebuilt on the caller's side.
 *
 * @example
 * ```ts
 * try { await learner.update(batch); }
 * catch (e) { if (e instanceof lp.RemoteError) console.log(e.nodeId, e.remoteName); }
 * ```
 */
export class RemoteError extends LaunchpadError {
  /** The remote error's class name, e.g. `TypeError`. */
  readonly remoteName: string;
  /**
   * The remote stack trace. The local `stack` holds its frames, then (as `at async …`
   * frames) those of the code that made the call and awaited it.
   */
  readonly remoteStack: string;
  /** The id of the node that threw. */
  readonly nodeId: string;
  /** The remote error's own message, without the prefix naming its node. */
  readonly remoteMessage: string;
  /**
   * The nodes that passed the error on after {@link RemoteError.nodeId} threw it, nearest
   * first (for A → B → C where C throws, A sees `nodeId` C and `via` `[B]`).
   */
  readonly via: readonly string[];

  /** @param info - what the remote side reported */
  constructor(info: RemoteErrorInfo) {
    // `via` comes off the wire: keep only what is a list of node ids.
    const via = Array.isArray(info.via)
      ? info.via.filter((id): id is string => typeof id === 'string')
      : [];
    // One prefix, however many nodes the error crossed: where it was thrown, then the
    // chain it came back through.
    const route = via.length === 0 ? '' : ` (via ${via.join(' → ')})`;
    super(info.code, `${info.name} in node ${info.nodeId}${route}: ${info.message}`);
    this.name = 'RemoteError';
    this.remoteName = info.name;
    this.remoteStack = info.stack;
    this.nodeId = info.nodeId;
    this.remoteMessage = info.message;
    this.via = via;
    // The frames that matter are the remote ones; the local ones would only show the
    // socket handler that received the reply. The caller's own frames are added where the
    // call's promise settles (rpc/caller-frames.ts).
    const remoteFrames = info.stack.split('\n').filter((line) => /^\s+at /.test(line));
    this.stack = [`${this.name}: ${this.message}`, ...remoteFrames].join('\n');
  }
}

/** A short printable form of a thrown non-Error value. */
export function describeThrown(thrown: unknown): string {
  if (typeof thrown === 'string') return JSON.stringify(thrown);
  try {
    // JSON.stringify returns undefined for undefined, functions and symbols.
    const text: unknown = JSON.stringify(thrown);
    return typeof text === 'string' ? text : String(thrown);
  } catch {
    return String(thrown);
  }
}
