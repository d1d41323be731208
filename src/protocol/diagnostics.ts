/**
 * @module
 * What a stack dump and a CPU profile of a node are, and the small line protocol a node
 * process's diagnostics thread answers (see docs/observability.md, "Stack dumps and CPU
 * profiles"). The thread speaks JSON lines rather than the RPC protocol so that its
 * code loads nothing but Node's own modules: it runs in every node process.
 */

/** One frame of a JavaScript stack, with V8's 0-based line and column. */
export interface StackFrame {
  /** The function's name; empty for an anonymous function. */
  readonly functionName: string;
  /** The script's URL (`file://…`, `node:internal/…`); empty when V8 has none. */
  readonly url: string;
  /** 0-based line. */
  readonly lineNumber: number;
  /** 0-based column. */
  readonly columnNumber: number;
}

/**
 * One thread's stack as sampled: the frames, innermost first, or none when the thread
 * was idle (waiting in its event loop, running no JavaScript).
 */
export interface StackSample {
  /** True when no JavaScript was running: the thread waited in its event loop. */
  readonly idle: boolean;
  /** The frames, innermost first; empty when idle. */
  readonly frames: readonly StackFrame[];
  /** The sampled thread's process id, when the sampler runs in that process. */
  readonly pid?: number;
}

/**
 * A V8 CPU profile, as `Profiler.stop` returns it: the `.cpuprofile` format that Chrome
 * DevTools and speedscope open.
 */
export interface CpuProfile {
  readonly nodes: readonly {
    readonly id: number;
    readonly callFrame: StackFrame & { readonly scriptId: string };
    readonly hitCount?: number;
    readonly children?: readonly number[];
  }[];
  readonly startTime: number;
  readonly endTime: number;
  readonly samples?: readonly number[];
  readonly timeDeltas?: readonly number[];
}

/** What a diagnostics thread is asked, one JSON line per connection. */
export interface DiagnosticsRequest {
  /** The launch's secret: the thread answers nobody else. */
  readonly secret: string;
  /** A stack sample, or a CPU profile of `durationMs`. */
  readonly op: 'stack' | 'profile';
  /** How long to profile, in milliseconds (for `profile`). */
  readonly durationMs?: number;
}

/** The thread's answer, one JSON line, after which it closes the connection. */
export type DiagnosticsAnswer =
  { readonly stack: StackSample } | { readonly profile: CpuProfile } | { readonly error: string };

/** The longest request line a diagnostics thread reads, in bytes (a request is tiny). */
export const MAX_DIAGNOSTICS_REQUEST_BYTES = 4096;

/**
 * How long a diagnostics thread waits for a connection's request line with the secret
 * before it closes the connection, in milliseconds, idle or half-sent.
 */
export const DIAGNOSTICS_REQUEST_TIMEOUT_MS = 5_000;

/** How many connections a diagnostics thread holds at once; more are closed at once. */
export const MAX_DIAGNOSTICS_CONNECTIONS = 16;

/**
 * How long a diagnostics thread keeps a connection after the last byte of its answer (or
 * refusal) was handed to the network, for a client that keeps its side open, in
 * milliseconds.
 */
export const DIAGNOSTICS_LINGER_MS = 1_000;

/**
 * How long a diagnostics thread waits for its reader to take the next part of an answer,
 * in milliseconds: a reader that takes nothing for that long is cut off, one that keeps
 * reading, however slowly, gets the whole answer (a long profile is megabytes).
 */
export const DIAGNOSTICS_STALL_MS = 5_000;

/**
 * The size of the parts a diagnostics thread writes an answer in, in bytes: each part
 * taken by the reader is progress, which restarts {@link DIAGNOSTICS_STALL_MS}.
 */
export const DIAGNOSTICS_WRITE_CHUNK_BYTES = 64 * 1024;

/**
 * How long a thread is given to stop at a statement once asked to pause. A thread
 * running JavaScript, even a `while (true) {}`, stops at once (V8 interrupts it); one
 * that has not stopped by then is waiting in its event loop.
 */
export const IDLE_AFTER_MS = 500;

/** The longest CPU profile a node is asked for, in milliseconds. */
export const MAX_PROFILE_MS = 60_000;

// Node's own modules; V8 gives no URL for some of them inside a worker.
function isNodeInternal(frame: StackFrame): boolean {
  return frame.url === '' || frame.url.startsWith('node:');
}

/**
 * The sample as text: `header`, then one frame per line, the function's name (or
 * `<anonymous>`) and `url:line:column`, 1-based.
 */
export function formatStack(header: string, sample: StackSample): string {
  if (sample.idle) {
    return `${header}\n  (idle: waiting in its event loop, no JavaScript running)\n`;
  }
  // Paused on its way into a timer or an I/O callback, before any code of its own ran.
  if (sample.frames.every(isNodeInternal)) {
    return `${header}\n  (idle: its event loop was only running Node's own code)\n`;
  }
  const lines = sample.frames.map(
    (frame) =>
      `  ${frame.functionName === '' ? '<anonymous>' : frame.functionName} ` +
      `${frame.url === '' ? '<unknown>' : frame.url}:${String(frame.lineNumber + 1)}:${String(frame.columnNumber + 1)}`,
  );
  return `${header}\n${lines.join('\n')}\n`;
}
