/**
 * @module
 * The launcher's way to each node's stack and CPU profile: a {@link DiagnosticsBook} of
 * one {@link DiagnosticsTarget} per running node, filled by whoever can reach it: a node
 * process registers its diagnostics thread's address over the control plane (any host,
 * so Slurm and Kubernetes too), the `threads` launcher and colocation hosts inspect their
 * worker threads themselves.
 */
import { connect } from 'node:net';
import type {
  CpuProfile,
  DiagnosticsAnswer,
  DiagnosticsRequest,
  StackSample,
} from '../../protocol/diagnostics.ts';
import { hostOf } from '../../node/node-listen.ts';

/**
 * How long a stack dump (or a profile, beyond its duration) may take before it fails:
 * pausing a thread takes milliseconds, even a blocked one.
 */
export const DIAGNOSTICS_TIMEOUT_MS = 10_000;

/**
 * The connection to a node's diagnostics thread failed (unreachable, closed early, or
 * silent too long), as opposed to an answer that is an error: the first sign, often,
 * that the node's process ended.
 */
export class DiagnosticsConnectionError extends Error {
  override readonly name = 'DiagnosticsConnectionError';
}

/** What can sample one node's stack and profile it. */
export interface DiagnosticsTarget {
  /** The thread sampled, for the dump's header (`main thread of process 123 on host h`). */
  readonly thread: string;
  /** The stack now. */
  stack(): Promise<StackSample>;
  /** A CPU profile over `durationMs`. */
  profile(durationMs: number): Promise<CpuProfile>;
}

/** Node id → how to reach its stack, for the nodes running now. */
export class DiagnosticsBook {
  readonly #targets = new Map<string, DiagnosticsTarget>();
  readonly #waiters = new Map<string, ((target: DiagnosticsTarget) => void)[]>();
  readonly #ends = new Map<string, Set<() => void>>();

  /** `nodeId`'s current run is reached through `target` (replacing its last run's). */
  set(nodeId: string, target: DiagnosticsTarget): void {
    this.#targets.set(nodeId, target);
    for (const resolve of this.#waiters.get(nodeId) ?? []) resolve(target);
    this.#waiters.delete(nodeId);
  }

  /** `nodeId`'s run ended: its target is gone until the next run says where it is. */
  forget(nodeId: string): void {
    this.#targets.delete(nodeId);
    const listeners = this.#ends.get(nodeId);
    this.#ends.delete(nodeId);
    for (const listener of listeners ?? []) listener();
  }

  /**
   * Calls `listener` when `nodeId`'s current run is next said to have ended (a connection
   * to its diagnostics thread that closed early may be the first sign of it); returns the
   * function that unsubscribes it.
   */
  onEnd(nodeId: string, listener: () => void): () => void {
    const listeners = this.#ends.get(nodeId) ?? new Set<() => void>();
    listeners.add(listener);
    this.#ends.set(nodeId, listeners);
    return () => {
      listeners.delete(listener);
      if (listeners.size === 0 && this.#ends.get(nodeId) === listeners) this.#ends.delete(nodeId);
    };
  }

  /**
   * How to reach `nodeId`, once it has said: a node process says so just after it
   * registers, so a node that was just seen running may not have yet.
   */
  when(nodeId: string): Promise<DiagnosticsTarget> {
    const target = this.#targets.get(nodeId);
    if (target !== undefined) return Promise.resolve(target);
    return new Promise((resolve) => {
      this.#waiters.set(nodeId, [...(this.#waiters.get(nodeId) ?? []), resolve]);
    });
  }
}

/**
 * The target of a node process whose diagnostics thread answers at `address` (a
 * `host:port`), asked with the launch's `secret`.
 */
export function remoteDiagnostics(address: string, secret: string): DiagnosticsTarget {
  return {
    thread: `main thread of its process (diagnostics at ${address})`,
    stack: async () => {
      const answer = await ask(address, { secret, op: 'stack' }, DIAGNOSTICS_TIMEOUT_MS);
      if ('stack' in answer) return answer.stack;
      throw new Error(answerError(answer));
    },
    profile: async (durationMs) => {
      const answer = await ask(
        address,
        { secret, op: 'profile', durationMs },
        durationMs + DIAGNOSTICS_TIMEOUT_MS,
      );
      if ('profile' in answer) return answer.profile;
      throw new Error(answerError(answer));
    },
  };
}

function answerError(answer: DiagnosticsAnswer): string {
  return 'error' in answer ? answer.error : 'an answer of the wrong kind';
}

// One connection per request: requests are rare, and a connection held open would
// outlive the node's run.
function ask(
  address: string,
  request: DiagnosticsRequest,
  timeoutMs: number,
): Promise<DiagnosticsAnswer> {
  const port = Number(address.slice(address.lastIndexOf(':') + 1));
  return new Promise((resolve, reject) => {
    const socket = connect({ host: hostOf(address), port });
    // A host that vanished from the network would leave the connection open for ever.
    socket.setTimeout(timeoutMs, () => {
      socket.destroy(new DiagnosticsConnectionError(`no answer within ${String(timeoutMs)} ms`));
    });
    const chunks: Buffer[] = [];
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.once('error', (error) => {
      reject(
        new DiagnosticsConnectionError(
          `its diagnostics thread at ${address} is unreachable: ${error.message}`,
        ),
      );
    });
    socket.once('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      try {
        resolve(JSON.parse(text) as DiagnosticsAnswer);
      } catch {
        // Nothing: the node's process ended (or the thread held too many connections);
        // part of a line: the connection was cut while the answer was on its way.
        const bytes = Buffer.byteLength(text);
        reject(
          new DiagnosticsConnectionError(
            bytes === 0
              ? `its diagnostics thread at ${address} closed the connection without an answer`
              : `its diagnostics thread at ${address} closed the connection after ${String(bytes)} bytes of its answer`,
          ),
        );
      }
    });
    // Not end(): the thread answers on this connection, then closes it.
    socket.write(`${JSON.stringify(request)}\n`);
  });
}
